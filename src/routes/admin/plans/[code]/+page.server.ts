import { error, fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { phasesFromForm, phasesToForm, updatePlanFormSchema } from '$lib/schemas/plans';
import { requireRole } from '$lib/server/auth/guard';
import * as plans from '$lib/server/plans';
import type { Actions, PageServerLoad } from './$types';

async function loadPlan(code: string) {
	const plan = await plans.getPlanByCode(code);
	if (!plan) error(404, 'Not found');
	return plan;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const plan = await loadPlan(event.params.code);
	const form = await superValidate(
		{
			name: plan.name,
			nameEn: plan.nameEn,
			protocolEdition: plan.protocolEdition,
			countsFrom: plan.countsFrom,
			active: plan.active,
			...phasesToForm(plan.phases),
			version: plan.version
		},
		zod4(updatePlanFormSchema),
		{ errors: false }
	);
	return {
		plan: {
			id: plan.id,
			code: plan.code,
			name: plan.name,
			activeStays: await plans.activeStayCount(plan.id)
		},
		form,
		created: event.url.searchParams.has('created')
	};
};

export const actions: Actions = {
	save: async (event) => {
		const principal = requireRole(event, 'admin');
		const plan = await loadPlan(event.params.code);
		const form = await superValidate(event.request, zod4(updatePlanFormSchema));
		if (!form.valid) return fail(400, { form });
		const { phaseMode: _m, phaseDays: _d, phaseTests: _t, ...fields } = form.data;
		const result = await plans.updatePlan(
			principal,
			plan.id,
			{ ...fields, phases: phasesFromForm(form.data) },
			event.getClientAddress()
		);
		if (!result.ok)
			return setError(form, '', result.error, { status: result.error === 'plan_stale' ? 409 : 400 });
		form.data.version += 1;
		return message(form, m.plan_saved());
	}
};
