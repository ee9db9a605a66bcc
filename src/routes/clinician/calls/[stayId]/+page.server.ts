import { error, fail, redirect } from '@sveltejs/kit';
import { setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { callFormSchema, callFromForm } from '$lib/schemas/call';
import { appConfig } from '$lib/server/app';
import { requireRole, requireStay } from '$lib/server/auth/guard';
import * as followUp from '$lib/server/follow-up';
import * as residents from '$lib/server/residents';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'clinician', 'admin');
	const { stayId } = await requireStay(event, event.params.stayId, 'stay:write');
	const subject = await followUp.callSubject(stayId);
	if (!subject) error(404, 'Not found');
	const form = await superValidate(zod4(callFormSchema), { id: 'call' });
	form.data.idempotencyKey = crypto.randomUUID();
	return { subject, form };
};

export const actions: Actions = {
	reveal: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, residentId } = await requireStay(event, event.params.stayId, 'resident:reveal');
		const phone = await residents.revealField(principal, residentId, 'phone', event.getClientAddress());
		return { phone };
	},
	save: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, stayId } = await requireStay(event, event.params.stayId, 'stay:write');
		const form = await superValidate(event.request, zod4(callFormSchema), { id: 'call' });
		if (!form.valid) return fail(400, { form });
		const input = callFromForm(stayId, form.data);
		if (!input.success) {
			for (const issue of input.error.issues) setError(form, '', issue.message);
			return fail(400, { form });
		}
		const result = await followUp.recordCall(principal, input.data, event.getClientAddress());
		if (!result.ok) return setError(form, '', result.error);
		// Save and next: the first resident still owed a call, or the list when nobody is.
		const list = await followUp.callList(principal, {}, appConfig().CALL_RETRY_MINUTES);
		const next = list && followUp.nextInList(list, stayId);
		redirect(303, next ? `/clinician/calls/${next}` : '/clinician/calls');
	}
};
