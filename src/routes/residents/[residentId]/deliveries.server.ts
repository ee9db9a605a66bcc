/**
 * The resident record's deliveries: the list, the prescribing form and the needs noted on calls, and
 * the validate → use case → answer step of prescribing. The action entries in +page.server.ts call the
 * guard first and then these ("request from this need" is shared with the call screen, in
 * $lib/server/delivery-forms).
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import type { Principal } from '$lib/domain/access';
import { m } from '$lib/paraglide/messages';
import { emptyItem, prescribeSchema } from '$lib/schemas/delivery';
import * as deliveries from '$lib/server/deliveries';
import { answered } from '$lib/server/delivery-forms';

const freshPrescription = () =>
	superValidate(
		{ items: [emptyItem()], note: '', confirmAllergy: false, idempotencyKey: crypto.randomUUID() },
		zod4(prescribeSchema),
		{ id: 'prescribe', errors: false }
	);

export async function loadDeliveries(residentId: string, hasActiveStay: boolean) {
	return {
		list: await deliveries.deliveriesOfResident(residentId),
		needs: hasActiveStay ? await deliveries.callNeeds(residentId) : [],
		prescribeForm: hasActiveStay ? await freshPrescription() : null
	};
}

export async function prescribeAction(event: RequestEvent, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(prescribeSchema), { id: 'prescribe' });
	if (!form.valid) return fail(400, { form });
	if (!form.data.kind) return setError(form, 'kind', 'kind_required');
	const result = await deliveries.prescribe(principal, residentId, form.data, event.getClientAddress());
	if (!result.ok) {
		if (result.error === 'allergy_unconfirmed')
			return fail(400, { form: { ...form, valid: false }, allergyMatches: result.detail?.matches ?? [] });
		return setError(form, '', result.error);
	}
	return message(await answered(freshPrescription()), m.dlv_prescribed());
}
