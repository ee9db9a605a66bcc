import { error, fail, redirect } from '@sveltejs/kit';
import { setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { rareTailFields } from '$lib/domain/vitals';
import { callFormSchema, callFromForm, communityFilterSchema } from '$lib/schemas/call';
import { appConfig } from '$lib/server/app';
import { requireRole, requireStay, UUID_PATTERN } from '$lib/server/auth/guard';
import * as clock from '$lib/server/clock';
import * as deliveries from '$lib/server/deliveries';
import { needAction } from '$lib/server/delivery-forms';
import * as followUp from '$lib/server/follow-up';
import * as phoneForms from '$lib/server/phone-form';
import * as residents from '$lib/server/residents';
import type { Actions, PageServerLoad } from './$types';

/** The call list's community filter, when the clinician came from a filtered list; else nothing. */
const listFilterOf = (value: string | null) => {
	const parsed = communityFilterSchema.safeParse({ communityId: value ?? '' });
	return parsed.success ? (parsed.data.communityId ?? null) : null;
};

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'clinician', 'admin');
	const { principal, stayId } = await requireStay(event, event.params.stayId, 'stay:write');
	const subject = await followUp.callSubject(stayId, clock.now());
	if (!subject) error(404, 'Not found');
	const form = await superValidate(zod4(callFormSchema), { id: 'call' });
	form.data.idempotencyKey = crypto.randomUUID();
	const phoneForm = subject.phoneFlagged ? await phoneForms.phoneForm(subject.residentVersion) : null;
	// The call saved just before ("save and next"), with its needs; and this resident's own needs.
	const saved = event.url.searchParams.get('saved');
	return {
		subject,
		form,
		phoneForm,
		listCommunityId: listFilterOf(event.url.searchParams.get('communityId')),
		saved: saved && UUID_PATTERN.test(saved) ? await followUp.savedCall(principal, saved) : null,
		needs: subject.active ? await deliveries.callNeeds(subject.residentId) : []
	};
};

export const actions: Actions = {
	reveal: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, residentId } = await requireStay(event, event.params.stayId, 'resident:reveal');
		// The call screen shows the number for one purpose: calling the resident. Other purposes are chosen
		// on the resident record.
		const purpose = String((await event.request.formData()).get('purpose') ?? 'contact_resident');
		if (purpose !== 'contact_resident') return fail(400, { revealError: 'purpose' });
		const phone = await residents.revealField(
			principal,
			residentId,
			'phone',
			'contact_resident',
			event.getClientAddress()
		);
		return { phone };
	},
	correctPhone: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, residentId } = await requireStay(event, event.params.stayId, 'stay:write');
		return phoneForms.correctPhoneAction(event, principal, residentId);
	},
	save: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, stayId } = await requireStay(event, event.params.stayId, 'stay:write');
		const body = await event.request.formData();
		const form = await superValidate(body, zod4(callFormSchema), { id: 'call' });
		if (!form.valid) return fail(400, { form });
		if (!form.data.outcome) {
			setError(form, 'outcome', 'call_outcome_required');
			return fail(400, { form });
		}
		const input = callFromForm(stayId, form.data);
		if (!input.success) {
			for (const issue of input.error.issues) setError(form, '', issue.message);
			return fail(400, { form });
		}
		// Values in the rare tails are asked for twice, as on every reading form: a typo is likelier.
		const rare = input.data.outcome === 'reached' ? rareTailFields(input.data) : [];
		if (rare.length && !form.data.confirmRare) {
			for (const f of rare) setError(form, f as 'temperature' | 'spo2', 'rare_confirm');
			return fail(400, { form });
		}
		const now = clock.now();
		const result = await followUp.recordCall(principal, input.data, event.getClientAddress(), now);
		if (!result.ok) return setError(form, '', result.error);
		// Save and next: the next resident still owed a call on this community's list, or back to the list
		// when nobody is. Either page names the call just saved, so its needs can become requests there;
		// the list's community filter, if the clinician came from a filtered list, goes along.
		const filter = listFilterOf(String(body.get('listCommunityId') ?? ''));
		// The list the clinician came from: a community's when filtered, else all of theirs.
		const next = await followUp.nextCall(
			principal,
			stayId,
			appConfig().CALL_RETRY_MINUTES,
			now,
			filter ? { communityId: filter } : 'all'
		);
		const query = new URLSearchParams();
		if (filter) query.set('communityId', filter);
		query.set('saved', result.call.id);
		redirect(303, `${next ? `/clinician/calls/${next}` : '/clinician/calls'}?${query}`);
	},
	requestFromNeed: async (event) => {
		requireRole(event, 'clinician', 'admin');
		const { principal, stayId } = await requireStay(event, event.params.stayId, 'stay:write');
		return needAction(event, principal, { stayId });
	}
};
