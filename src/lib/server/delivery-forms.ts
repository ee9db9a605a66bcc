/**
 * The delivery forms several pages share, each posting to its own action (guarded there):
 * - the step forms of the worklist, the resident record and the resident's own page: the delivery, the
 *   version it showed and the step; back comes `{ stepDone }` or a 4xx with `{ stepError }` naming the
 *   delivery and the reason;
 * - "request from this need" on the resident record and the call screen: back comes `{ needDone }` or a
 *   4xx with `{ needError }` naming the need and the reason.
 */
import { createHash } from 'node:crypto';
import { fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import type { Principal } from '../domain/access';
import { DELIVERY_STEPS } from '../domain/delivery';
import { bulkSchema, fromCallSchema, needFormSchema, needKey, stepSchema } from '../schemas/delivery';
import * as deliveries from './deliveries';

const stepForm = z.object({
	deliveryId: z.uuid(),
	version: z.coerce.number().int().min(1),
	step: z.enum(DELIVERY_STEPS),
	reason: z.string().trim().max(200, 'too_long').default('')
});

/**
 * The step's idempotency key: the same person taking the same step on the same version is one step, so
 * a double tap or a resent form records once; anyone else on that version is told it changed.
 */
function stepKey(principal: Principal, f: z.infer<typeof stepForm>) {
	return `${principal.userId}:${f.deliveryId}:${f.version}:${f.step}`;
}

export async function stepAction(event: RequestEvent, principal: Principal) {
	const parsed = stepForm.safeParse(Object.fromEntries(await event.request.formData()));
	if (!parsed.success) return fail(400, { stepError: { deliveryId: null, error: 'bad_form' } });
	const input = stepSchema.parse({ ...parsed.data, idempotencyKey: stepKey(principal, parsed.data) });
	const result = await deliveries.takeStep(principal, input, event.getClientAddress());
	if (!result.ok) {
		const status = result.error === 'not_found' ? 404 : result.error === 'stale' ? 409 : 400;
		return fail(status, {
			stepError: { deliveryId: input.deliveryId, error: result.error, detail: result.detail ?? {} }
		});
	}
	return { stepDone: { deliveryId: input.deliveryId, step: input.step, status: result.value.status } };
}

const bulkForm = z.object({
	step: z.enum(['pack', 'dispatch', 'deliver']),
	/** `deliveryId:version`, one per delivery the list showed for the floor. */
	entry: z
		.array(z.string().regex(/^[0-9a-f-]{36}:\d+$/i))
		.min(1)
		.max(500)
});

export async function bulkAction(event: RequestEvent, principal: Principal, siteId: string) {
	const data = await event.request.formData();
	const parsed = bulkForm.safeParse({ step: data.get('step'), entry: data.getAll('entry') });
	if (!parsed.success) return fail(400, { bulkError: 'nothing_selected' });
	const entries = parsed.data.entry.map((e) => {
		const [deliveryId, version] = e.split(':');
		return { deliveryId: deliveryId!, version: Number(version) };
	});
	// The same person sending the same floor as it stood is one bulk step.
	const key = createHash('sha256')
		.update(`${principal.userId}:${parsed.data.step}:${parsed.data.entry.slice().sort().join(',')}`)
		.digest('hex');
	// The list's own entries always pass; a hand-made one (a version of 0, an id that is no uuid) is refused.
	const checked = bulkSchema.safeParse({ step: parsed.data.step, entries, idempotencyKey: `bulk:${key}` });
	if (!checked.success) return fail(400, { bulkError: 'nothing_selected' });
	const input = checked.data;
	const result = await deliveries.bulkStep(principal, siteId, input, event.getClientAddress());
	if (!result.ok) return fail(400, { bulkError: result.error });
	return { bulkDone: { step: input.step, ...result.value } };
}

/**
 * "Request from this need", from the resident record (`{ residentId }`) or the call screen
 * (`{ stayId }`): the need of a call of that resident or stay becomes a request. The use case keys the
 * request by call and kind, so pressing twice, or on two pages, makes one request.
 */
export async function needAction(
	event: RequestEvent,
	principal: Principal,
	page: { residentId: string } | { stayId: string }
) {
	const parsed = needFormSchema.safeParse(Object.fromEntries(await event.request.formData()));
	if (!parsed.success) return fail(400, { needError: 'bad_form', needKey: null });
	const input = fromCallSchema.parse({
		...parsed.data,
		...page,
		idempotencyKey: deliveries.fromCallKey(parsed.data.callId, parsed.data.kind)
	});
	const result = await deliveries.requestFromCall(principal, input, event.getClientAddress());
	if (!result.ok)
		return fail(result.error === 'not_found' ? 404 : 400, {
			needError: result.error,
			needKey: needKey(parsed.data)
		});
	return { needDone: { ...parsed.data, key: needKey(parsed.data), deliveryId: result.value.deliveryId } };
}

/**
 * The empty form for the next request, sent back with the confirmation of the one just made. It is not
 * a failed post: an empty form reads as invalid, would answer 400, and the page would not confirm.
 */
export async function answered<T extends { valid: boolean }>(fresh: Promise<T>): Promise<T> {
	const form = await fresh;
	form.valid = true;
	return form;
}
