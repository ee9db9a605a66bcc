/**
 * New deliveries, each in one transaction with its first step(s), the audit row and a live notice, once
 * per idempotency key:
 * - staff prescribe or order on the resident record (checked against the resident's allergies; medical
 *   staff's own prescription is approved as it is written);
 * - a resident asks for necessities or their regular medicines on their page;
 * - a need noted on a phone call becomes a request in one click.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import { allergyMatches, type AllergyMatch } from '../../domain/allergy';
import { mayTake, type DeliveryKind } from '../../domain/delivery';
import {
	COMMON_SUPPLIES,
	type CallNeed,
	type DeliveryItem,
	type FromCallInput,
	type MedicineRequestInput,
	type PrescribeInput,
	type SupplyRequestInput
} from '../../schemas/delivery';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { DeliveryRefusal, inScope, notifyDeliveries, recordStep, type DeliveryResult } from './common';

type Created = { deliveryId: string; status: t.Delivery['status'] };

async function replayOf(key: string): Promise<t.Delivery | null> {
	const [row] = await db().select().from(t.deliveries).where(eq(t.deliveries.idempotencyKey, key));
	return row ?? null;
}

/** The resident's active stay, or a refusal. */
async function activeStayOf(tx: DbOrTx, residentId: string) {
	const [stay] = await tx
		.select({ id: t.stays.id, siteId: t.stays.siteId, residentId: t.stays.residentId })
		.from(t.stays)
		.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
	if (!stay) throw new DeliveryRefusal('stay_ended');
	return stay;
}

interface NewDelivery {
	stay: { id: string; siteId: string; residentId: string };
	kind: DeliveryKind;
	items: DeliveryItem[];
	note: string | null;
	source: 'staff' | 'resident' | 'call';
	callId?: string | null;
	allergyConfirmed?: AllergyMatch[] | null;
	/** Approve in the same breath (medical staff prescribing, staff ordering supplies). */
	approve: boolean;
	idempotencyKey: string;
}

async function insertDelivery(
	tx: DbOrTx,
	principal: Principal,
	d: NewDelivery,
	ip: string | null,
	now: Date
): Promise<Created> {
	const status = d.approve ? 'approved' : 'requested';
	const [row] = await tx
		.insert(t.deliveries)
		.values({
			stayId: d.stay.id,
			kind: d.kind,
			items: d.items,
			note: d.note,
			source: d.source,
			callId: d.callId ?? null,
			allergyConfirmed: d.allergyConfirmed?.length ? d.allergyConfirmed : null,
			status,
			requestedAt: now,
			requestedBy: principal.userId,
			approvedAt: d.approve ? now : null,
			approvedBy: d.approve ? principal.userId : null,
			idempotencyKey: d.idempotencyKey,
			updatedAt: now
		})
		.returning({ id: t.deliveries.id });
	const base = { deliveryId: row!.id, at: now, actorId: principal.userId, actorRole: principal.role };
	await recordStep(tx, { ...base, step: 'request', fromStatus: null, toStatus: 'requested' });
	if (d.approve)
		await recordStep(tx, { ...base, step: 'approve', fromStatus: 'requested', toStatus: 'approved' });
	await audit(tx, {
		actor: principal,
		action: 'request',
		entity: 'delivery',
		entityId: row!.id,
		residentId: d.stay.residentId,
		after: {
			kind: d.kind,
			source: d.source,
			status,
			items: d.items.map((i) => i.name),
			callId: d.callId ?? null,
			allergyConfirmed: d.allergyConfirmed?.length ? d.allergyConfirmed : null
		},
		ip,
		at: now
	});
	await notifyDeliveries(tx, d.stay);
	return { deliveryId: row!.id, status };
}

/** Runs a create once per key: a replay answers with the delivery the key made. */
async function once(key: string, work: (tx: DbOrTx) => Promise<Created>): Promise<DeliveryResult<Created>> {
	const earlier = await replayOf(key);
	if (earlier) return { ok: true, replayed: true, value: { deliveryId: earlier.id, status: earlier.status } };
	try {
		return { ok: true, replayed: false, value: await db().transaction(work) };
	} catch (e) {
		if (e instanceof DeliveryRefusal) return { ok: false, error: e.code, detail: e.detail };
		const c = pgConstraint(e);
		// Two presses at once of a call's need trip either key; the one that landed answers both.
		if (c === 'deliveries_idempotency_key' || c === 'deliveries_call_kind_key') {
			const again = await replayOf(key);
			if (again) return { ok: true, replayed: true, value: { deliveryId: again.id, status: again.status } };
		}
		throw e;
	}
}

/**
 * Staff or a clinician prescribes medicine or TCM, or orders supplies, for a resident in their scope.
 * A medicine that matches a recorded allergy is refused until the form confirms it, and the confirmed
 * matches are kept with the delivery.
 */
export async function prescribe(
	principal: Principal,
	residentId: string,
	input: PrescribeInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<Created>> {
	if (!input.kind) return { ok: false, error: 'kind_required' };
	const kind = input.kind;
	return once(input.idempotencyKey, async (tx) => {
		const stay = await activeStayOf(tx, residentId);
		if (!inScope(principal, stay) || principal.role === 'resident') throw new DeliveryRefusal('not_found');
		// Who may approve medicine may prescribe it; anyone on staff may order supplies.
		const approve = mayTake({ role: principal.role }, 'approve', kind, 'requested');
		if (kind !== 'supply' && !approve) throw new DeliveryRefusal('not_allowed');
		const [resident] = await tx
			.select({ allergies: t.residents.allergies })
			.from(t.residents)
			.where(eq(t.residents.id, residentId));
		const matches =
			kind === 'supply'
				? []
				: allergyMatches(
						resident?.allergies,
						input.items.map((i) => i.name)
					);
		if (matches.length && !input.confirmAllergy)
			throw new DeliveryRefusal('allergy_unconfirmed', { matches });
		return insertDelivery(
			tx,
			principal,
			{
				stay,
				kind,
				items: input.items,
				note: input.note || null,
				source: 'staff',
				allergyConfirmed: matches,
				approve,
				idempotencyKey: input.idempotencyKey
			},
			ip,
			now
		);
	});
}

/** The resident's own active stay for a request of their own, or a refusal. */
async function ownStay(tx: DbOrTx, principal: Principal) {
	if (principal.role !== 'resident' || !principal.residentId) throw new DeliveryRefusal('not_found');
	if (principal.readOnly) throw new DeliveryRefusal('read_only');
	return activeStayOf(tx, principal.residentId);
}

/** A resident asks for necessities: ticks from the short list, and anything else in their words. */
export async function requestSupplies(
	principal: Principal,
	input: SupplyRequestInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<Created>> {
	const items: DeliveryItem[] = COMMON_SUPPLIES.filter((s) => input.necessities.includes(s.code)).map(
		(s) => ({
			name: s.name,
			code: s.code,
			strength: '',
			dose: '',
			frequency: '',
			days: null,
			quantity: 1,
			unit: ''
		})
	);
	return once(input.idempotencyKey, async (tx) => {
		const stay = await ownStay(tx, principal);
		return insertDelivery(
			tx,
			principal,
			{
				stay,
				kind: 'supply',
				items,
				note: input.other || null,
				source: 'resident',
				approve: false,
				idempotencyKey: input.idempotencyKey
			},
			ip,
			now
		);
	});
}

/** A resident asks for their regular medicines; medical staff approve (and may adjust) them. */
export async function requestMedicine(
	principal: Principal,
	input: MedicineRequestInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<Created>> {
	return once(input.idempotencyKey, async (tx) => {
		const stay = await ownStay(tx, principal);
		return insertDelivery(
			tx,
			principal,
			{
				stay,
				kind: 'medicine',
				items: [],
				note: input.medicines,
				source: 'resident',
				approve: false,
				idempotencyKey: input.idempotencyKey
			},
			ip,
			now
		);
	});
}

/** The key of the request a call's need becomes: the same need asked twice is one request. */
export const fromCallKey = (callId: string, kind: string) => `call-need:${callId}:${kind}`;

/** The call a need was noted on, with its stay; null when it is not one the principal may reach there. */
async function callFor(tx: DbOrTx, principal: Principal, input: FromCallInput) {
	const [call] = await tx
		.select({
			needs: t.calls.needs,
			stay: {
				id: t.stays.id,
				siteId: t.stays.siteId,
				residentId: t.stays.residentId,
				status: t.stays.status
			}
		})
		.from(t.calls)
		.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
		.where(eq(t.calls.id, input.callId));
	if (
		!call ||
		principal.role === 'resident' ||
		!inScope(principal, call.stay) ||
		(input.stayId && input.stayId !== call.stay.id) ||
		(input.residentId && input.residentId !== call.stay.residentId)
	)
		return null;
	return call;
}

/**
 * "Request from this need": a call that noted a medicine or supplies need becomes a request, with the
 * clinician's words as its note. Once per call and kind, however often and from whichever page (the
 * resident record, the call screen) it is pressed.
 */
export async function requestFromCall(
	principal: Principal,
	input: FromCallInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<Created>> {
	const key = fromCallKey(input.callId, input.kind);
	// Looked at before a replay too: someone else's call, or one that is not of the page's stay or
	// resident, is not found whether or not its need was requested before.
	if (!(await callFor(db(), principal, input))) return { ok: false, error: 'not_found' };
	return once(key, async (tx) => {
		const call = await callFor(tx, principal, input);
		if (!call) throw new DeliveryRefusal('not_found');
		if (call.stay.status !== 'active') throw new DeliveryRefusal('stay_ended');
		const needs = call.needs as { medicine?: boolean; supplies?: boolean; detail?: string };
		const noted = input.kind === 'medicine' ? needs.medicine : needs.supplies;
		if (!noted) throw new DeliveryRefusal('no_need');
		return insertDelivery(
			tx,
			principal,
			{
				stay: call.stay,
				kind: input.kind,
				items: [],
				note: needs.detail?.trim() || null,
				source: 'call',
				callId: input.callId,
				approve: false,
				idempotencyKey: key
			},
			ip,
			now
		);
	});
}

/** The medicine and supply needs of the calls `where` picks (newest first), each with its request, if any. */
async function needsOf(where: SQL | undefined): Promise<CallNeed[]> {
	const rows = await db()
		.select({
			callId: t.calls.id,
			attemptedAt: t.calls.attemptedAt,
			needs: t.calls.needs,
			timeZone: t.sites.timeZone
		})
		.from(t.calls)
		.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.where(
			and(where, sql`(${t.calls.needs}->>'medicine' = 'true' or ${t.calls.needs}->>'supplies' = 'true')`)
		)
		.orderBy(desc(t.calls.attemptedAt))
		.limit(50);
	if (!rows.length) return [];
	const made = await db()
		.select({ callId: t.deliveries.callId, kind: t.deliveries.kind })
		.from(t.deliveries)
		.where(
			inArray(
				t.deliveries.callId,
				rows.map((r) => r.callId)
			)
		);
	const out: CallNeed[] = [];
	for (const r of rows) {
		const n = r.needs as { medicine?: boolean; supplies?: boolean; detail?: string };
		for (const kind of ['medicine', 'supply'] as const) {
			if (!(kind === 'medicine' ? n.medicine : n.supplies)) continue;
			out.push({
				callId: r.callId,
				attemptedAt: r.attemptedAt,
				timeZone: r.timeZone,
				kind,
				detail: n.detail?.trim() || null,
				requested: made.some((d) => d.callId === r.callId && d.kind === kind)
			});
		}
	}
	return out;
}

/** Needs noted on the resident's calls (active stay), each with the request it became, if any. */
export function callNeeds(residentId: string): Promise<CallNeed[]> {
	return needsOf(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
}

/** The needs one call noted, while its stay is active (the call screen's "just saved"). */
export function needsOfCall(callId: string): Promise<CallNeed[]> {
	return needsOf(and(eq(t.calls.id, callId), eq(t.stays.status, 'active')));
}
