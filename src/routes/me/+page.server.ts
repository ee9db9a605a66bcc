import { fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { rareTailFields } from '$lib/domain/vitals';
import { selfReportSchema } from '$lib/schemas/self-report';
import { requireRole } from '$lib/server/auth/guard';
import { portalHome, selfReport } from '$lib/server/portal';
import type { Actions, PageServerLoad } from './$types';

const freshForm = () =>
	superValidate(
		{ idempotencyKey: crypto.randomUUID(), temperature: null, spo2: null, symptoms: [] },
		zod4(selfReportSchema),
		{
			errors: false
		}
	);

// The resident's own stay only: the id comes from the session, never from the URL.
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	const home = principal.residentId ? await portalHome(principal.residentId) : null;
	return { home, readOnly: principal.readOnly, form: await freshForm(), now: new Date() };
};

export const actions: Actions = {
	report: async (event) => {
		const principal = requireRole(event, 'resident');
		const form = await superValidate(event.request, zod4(selfReportSchema));
		if (form.data.temperature == null) setError(form, 'temperature', 'temperature_required');
		if (!form.valid) return fail(400, { form });
		const temperature = form.data.temperature!;
		// A typo like 3.65 or 365 is refused by range; a real but rare value asks to be sent twice.
		const rare = rareTailFields({ temperature, spo2: form.data.spo2 ?? null });
		if (rare.length && !form.data.confirmRare) {
			form.data.confirmRare = true;
			for (const f of rare) setError(form, f as 'temperature' | 'spo2', 'rare_confirm');
			return fail(400, { form });
		}
		const result = await selfReport(principal, { ...form.data, temperature }, event.getClientAddress());
		if (!result.ok)
			return setError(form, '', result.error, { status: result.error === 'key_conflict' ? 409 : 403 });
		const fresh = await freshForm();
		return message(fresh, { advice: result.advice, phone: result.sitePhone });
	}
};
