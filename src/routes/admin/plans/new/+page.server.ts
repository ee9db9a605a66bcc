import { redirect } from '@sveltejs/kit';
import { fail, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { createPlanFormSchema, phasesFromForm, phasesToForm } from '$lib/schemas/plans';
import { requireRole } from '$lib/server/auth/guard';
import * as plans from '$lib/server/plans';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const form = await superValidate(zod4(createPlanFormSchema));
	form.data.countsFrom = 'admission';
	form.data.active = true;
	Object.assign(
		form.data,
		phasesToForm([
			{ mode: 'centralised', days: 7, testDays: [1, 3, 7] },
			{ mode: 'home_monitoring', days: 3, testDays: [3] }
		])
	);
	return { form };
};

export const actions: Actions = {
	create: async (event) => {
		const principal = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(createPlanFormSchema));
		if (!form.valid) return fail(400, { form });
		const { phaseMode: _m, phaseDays: _d, phaseTests: _t, ...fields } = form.data;
		const result = await plans.createPlan(
			principal,
			{ ...fields, phases: phasesFromForm(form.data) },
			event.getClientAddress()
		);
		if (!result.ok) return setError(form, (result.field === 'code' ? 'code' : '') as 'code', result.error);
		redirect(303, `/admin/plans/${encodeURIComponent(result.value.code)}?created=1`);
	}
};
