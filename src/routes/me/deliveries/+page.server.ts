import { fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { medicineRequestSchema, supplyRequestSchema } from '$lib/schemas/delivery';
import { requireRole } from '$lib/server/auth/guard';
import * as deliveries from '$lib/server/deliveries';
import { answered, stepAction } from '$lib/server/delivery-forms';
import type { Actions, PageServerLoad } from './$types';

const supplyForm = () =>
	superValidate(
		{ necessities: [], other: '', idempotencyKey: crypto.randomUUID() },
		zod4(supplyRequestSchema),
		{
			id: 'supplies',
			errors: false
		}
	);
const medicineForm = (medicines: string) =>
	superValidate({ medicines, idempotencyKey: crypto.randomUUID() }, zod4(medicineRequestSchema), {
		id: 'medicine',
		errors: false
	});

// The resident's own deliveries only: the id comes from the session, never from the URL.
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	event.depends('app:deliveries');
	const mine = principal.residentId ? await deliveries.myDeliveries(principal.residentId) : null;
	return {
		mine,
		readOnly: principal.readOnly || !mine?.active,
		supplyForm: await supplyForm(),
		medicineForm: await medicineForm(mine?.regularMedicines ?? '')
	};
};

export const actions: Actions = {
	requestSupplies: async (event) => {
		const principal = requireRole(event, 'resident');
		const form = await superValidate(event.request, zod4(supplyRequestSchema), { id: 'supplies' });
		if (!form.valid) return fail(400, { supplyForm: form });
		const result = await deliveries.requestSupplies(principal, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, '', result.error, { status: result.error === 'not_found' ? 404 : 400 });
		return message(await answered(supplyForm()), m.dlv_requested());
	},
	requestMedicine: async (event) => {
		const principal = requireRole(event, 'resident');
		const form = await superValidate(event.request, zod4(medicineRequestSchema), { id: 'medicine' });
		if (!form.valid) return fail(400, { medicineForm: form });
		const result = await deliveries.requestMedicine(principal, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, '', result.error, { status: result.error === 'not_found' ? 404 : 400 });
		return message(await answered(medicineForm(form.data.medicines)), m.dlv_requested());
	},
	step: async (event) => {
		const principal = requireRole(event, 'resident');
		return stepAction(event, principal);
	}
};
