/**
 * The stay's actions on the resident page (extend, release, record an outcome, hand over): their forms
 * for the load, and the validate → use case → answer step of each action. The action entries in
 * +page.server.ts call the guard first and then these.
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { can, type Principal } from '$lib/domain/access';
import { m } from '$lib/paraglide/messages';
import {
	extendSchema,
	handoverSchema,
	outcomeSchema,
	releaseSchema,
	transferSchema
} from '$lib/schemas/stays';
import { freeRooms } from '$lib/server/rooms';
import { resultSchema, sampleSchema } from '$lib/schemas/tests';
import * as stays from '$lib/server/stays';

export async function loadStayActions(principal: Principal, residentId: string) {
	const panel = await stays.stayPanel(residentId);
	if (!panel) return null;
	const base = { stayId: panel.stayId, version: panel.version };
	const key = () => crypto.randomUUID();
	const [extendForm, releaseForm, outcomeForm, handoverForm, transferForm] = await Promise.all([
		superValidate({ ...base, idempotencyKey: key(), mode: 'days' as const, days: 1 }, zod4(extendSchema), {
			id: 'extend',
			errors: false
		}),
		superValidate({ ...base, idempotencyKey: key() }, zod4(releaseSchema), { id: 'release', errors: false }),
		superValidate({ ...base, idempotencyKey: key() }, zod4(outcomeSchema), { id: 'outcome', errors: false }),
		superValidate({ ...base, idempotencyKey: key() }, zod4(handoverSchema), {
			id: 'handover',
			errors: false
		}),
		superValidate({ ...base, idempotencyKey: key(), roomId: '' }, zod4(transferSchema), {
			id: 'transfer',
			errors: false
		})
	]);
	// A resident in a room may move to another clean room with a free bed where this user may admit.
	const transferRooms = panel.roomId
		? (await freeRooms(principal.role === 'admin' ? undefined : principal.siteIds)).filter(
				(r) => r.id !== panel.roomId
			)
		: [];
	return {
		...panel,
		canOverride: can(principal, 'release:override'),
		extendForm,
		releaseForm,
		outcomeForm,
		handoverForm,
		transferForm,
		transferRooms
	};
}

type Ev = RequestEvent;
type Result = Awaited<ReturnType<typeof stays.extend>>;

/** A refusal goes back on the form; a success answers with a message (the page then reloads its data). */
function answer<T extends Record<string, unknown>>(
	form: Awaited<ReturnType<typeof superValidate<T>>>,
	result: Pick<Result, 'ok'> & { error?: string },
	done: string
) {
	if (!result.ok) return setError(form, '', result.error ?? 'stale');
	return message(form, done);
}

export async function extendAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(extendSchema), { id: 'extend' });
	if (!form.valid) return fail(400, { form });
	if (form.data.mode === 'days' && !form.data.days) return setError(form, 'days', 'range_1_60');
	if (form.data.mode === 'until' && !form.data.untilDate) return setError(form, 'untilDate', 'bad_date');
	const result = await stays.extend(principal, form.data, residentId, event.getClientAddress());
	return answer(form, result, m.ext_done());
}

export async function releaseAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(releaseSchema), { id: 'release' });
	if (!form.valid) return fail(400, { form });
	const result = await stays.releaseStay(principal, form.data, residentId, event.getClientAddress());
	return answer(form, result, m.rel_done());
}

export async function outcomeAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(outcomeSchema), { id: 'outcome' });
	if (!form.valid) return fail(400, { form });
	if (!form.data.outcome) return setError(form, 'outcome', 'outcome_required');
	const result = await stays.recordOutcome(principal, form.data, residentId, event.getClientAddress());
	if (!result.ok && result.error === 'hospital_required')
		return setError(form, 'hospital', 'hospital_required');
	return answer(form, result, m.rel_outcome_done());
}

export async function handoverAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(handoverSchema), { id: 'handover' });
	if (!form.valid) return fail(400, { form });
	const result = await stays.handOver(principal, form.data, residentId, event.getClientAddress());
	// Site staff hand the resident over to the community: the record is no longer theirs to open.
	if (result.ok && !can(principal, 'stay:read', { siteId: result.value.siteId })) redirect(303, '/residents');
	return answer(form, result, m.tx_handover_done());
}

export async function transferAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(transferSchema), { id: 'transfer' });
	// Both missing answers at once: the room and the reason.
	if (!form.data.roomId) {
		form.errors.roomId = ['room_required'];
		form.valid = false;
	}
	if (!form.valid) return fail(400, { form });
	const result = await stays.transferStay(principal, form.data, residentId, event.getClientAddress());
	if (
		!result.ok &&
		[
			'room_required',
			'same_room',
			'room_unknown',
			'room_unavailable',
			'room_full',
			'site_not_allowed'
		].includes(result.error)
	)
		return setError(form, 'roomId', result.error);
	// A move to a site outside this user's scope takes the record with it.
	if (result.ok && !can(principal, 'stay:read', { siteId: result.value.siteId })) redirect(303, '/residents');
	return answer(form, result, m.tx_transfer_done());
}

/** The test schedule and the forms to record a sampling or a result. */
export async function loadTests(residentId: string) {
	const schedule = await stays.testSchedule(residentId);
	if (!schedule) return null;
	const [sampleForm, resultForm] = await Promise.all([
		superValidate({ stayId: schedule.stayId, idempotencyKey: crypto.randomUUID() }, zod4(sampleSchema), {
			id: 'sample',
			errors: false
		}),
		superValidate({ idempotencyKey: crypto.randomUUID() }, zod4(resultSchema), {
			id: 'result',
			errors: false
		})
	]);
	return { ...schedule, sampleForm, resultForm };
}

export async function sampleAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(sampleSchema), { id: 'sample' });
	if (!form.valid) return fail(400, { form });
	const result = await stays.recordSample(principal, form.data, residentId, event.getClientAddress());
	return answer(form, result, m.test_sampled());
}

export async function resultAction(event: Ev, principal: Principal, residentId: string) {
	const form = await superValidate(event.request, zod4(resultSchema), { id: 'result' });
	if (!form.valid) return fail(400, { form });
	if (!form.data.result) return setError(form, 'result', 'result_required');
	const result = await stays.recordResult(principal, form.data, residentId, event.getClientAddress());
	if (result.ok && result.value.positive) return message(form, m.test_result_positive());
	return answer(form, result, m.test_result_saved());
}
