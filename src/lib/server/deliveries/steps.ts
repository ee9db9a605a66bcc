/**
 * Taking a delivery's steps: one at a time (each against the version the page showed, once per key),
 * or a whole floor at once (one transaction; those that moved on since the list was shown are skipped,
 * each with its reason).
 */
import { and, asc, eq, inArray, isNotNull, like, sql } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import { checkStep, ON_THE_WAY, type DeliveryStatus, type DeliveryStep } from '../../domain/delivery';
import type { BulkInput, StepInput } from '../../schemas/delivery';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { notifyAlerts, resolveBySystem } from '../readings/record';
import {
	actorOf,
	DeliveryRefusal,
	inScope,
	notifyDeliveries,
	recordStep,
	stepColumns,
	type DeliveryError,
	type DeliveryResult
} from './common';

type Locked = {
	delivery: t.Delivery;
	stay: { id: string; siteId: string; residentId: string; status: string };
};

async function lockDeliveries(tx: DbOrTx, ids: string[]): Promise<Locked[]> {
	if (!ids.length) return [];
	// One order for every locker, so two bulk steps over the same floor queue instead of deadlocking.
	return tx
		.select({
			delivery: t.deliveries,
			stay: { id: t.stays.id, siteId: t.stays.siteId, residentId: t.stays.residentId, status: t.stays.status }
		})
		.from(t.deliveries)
		.innerJoin(t.stays, eq(t.stays.id, t.deliveries.stayId))
		.where(inArray(t.deliveries.id, ids))
		.orderBy(asc(t.deliveries.id))
		.for('update', { of: t.deliveries });
}

/** Who last changed a delivery, for the "someone else changed it" message. */
async function lastChange(tx: DbOrTx, deliveryId: string) {
	const [row] = await tx
		.select({ name: t.users.displayName, step: t.deliveryEvents.step, at: t.deliveryEvents.at })
		.from(t.deliveryEvents)
		.leftJoin(t.users, eq(t.users.id, t.deliveryEvents.actorId))
		.where(eq(t.deliveryEvents.deliveryId, deliveryId))
		.orderBy(sql`${t.deliveryEvents.at} desc, ${t.deliveryEvents.id} desc`)
		.limit(1);
	return row ?? null;
}

/** The writes of one step on a locked delivery already checked. */
async function apply(
	tx: DbOrTx,
	principal: Principal,
	row: Locked,
	step: DeliveryStep,
	to: DeliveryStatus,
	reason: string | null,
	key: string,
	ip: string | null,
	now: Date
) {
	const d = row.delivery;
	const done = await tx
		.update(t.deliveries)
		.set({
			status: to,
			...stepColumns(to, principal.userId, now),
			...(to === 'cancelled' ? { cancelReason: reason } : {}),
			version: sql`${t.deliveries.version} + 1`,
			updatedAt: now
		})
		.where(and(eq(t.deliveries.id, d.id), eq(t.deliveries.version, d.version)))
		.returning({ version: t.deliveries.version });
	if (!done.length) throw new DeliveryRefusal('stale');
	await recordStep(tx, {
		deliveryId: d.id,
		step,
		fromStatus: d.status,
		toStatus: to,
		at: now,
		actorId: principal.userId,
		actorRole: principal.role,
		reason,
		idempotencyKey: key
	});
	await audit(tx, {
		actor: principal,
		action: step,
		entity: 'delivery',
		entityId: d.id,
		residentId: row.stay.residentId,
		before: { status: d.status },
		after: { status: to, ...(reason ? { reason } : {}) },
		ip,
		at: now
	});
	if (d.overdueAt && !ON_THE_WAY.includes(to)) await settleOverdue(tx, row.stay, now);
	return done[0]!.version;
}

/**
 * A late medicine that reached the resident (or was cancelled) no longer holds the stay's
 * `delivery_overdue` alert open: once no other flagged medicine of the stay is still on its way, the
 * alert resolves by itself, as a late reading resolves a missed one.
 */
async function settleOverdue(tx: DbOrTx, stay: Locked['stay'], now: Date) {
	const [still] = await tx
		.select({ id: t.deliveries.id })
		.from(t.deliveries)
		.where(
			and(
				eq(t.deliveries.stayId, stay.id),
				isNotNull(t.deliveries.overdueAt),
				inArray(t.deliveries.status, [...ON_THE_WAY])
			)
		)
		.limit(1);
	if (still) return;
	const resolved = await resolveBySystem(tx, [stay.id], 'delivery_overdue', 'delivered', now);
	if (resolved.length) await notifyAlerts(tx, stay.id, stay.siteId);
}

export type StepDone = { deliveryId: string; status: DeliveryStatus; version: number };

async function stepReplay(key: string, deliveryId: string, step: DeliveryStep, conn: DbOrTx = db()) {
	const [event] = await conn
		.select({ deliveryId: t.deliveryEvents.deliveryId, step: t.deliveryEvents.step })
		.from(t.deliveryEvents)
		.where(eq(t.deliveryEvents.idempotencyKey, key));
	if (!event) return null;
	if (event.deliveryId !== deliveryId || event.step !== step)
		return { ok: false as const, error: 'key_conflict' as const };
	const [d] = await conn
		.select({ status: t.deliveries.status, version: t.deliveries.version })
		.from(t.deliveries)
		.where(eq(t.deliveries.id, deliveryId));
	return { ok: true as const, replayed: true, value: { deliveryId, status: d!.status, version: d!.version } };
}

/**
 * One step of one delivery. Refused with a reason when it is a jump, not this person's to take, without a
 * reason for a cancellation, or when the delivery changed since the page showed it (`stale`, with who
 * changed it and where it stands now).
 */
export async function takeStep(
	principal: Principal,
	input: StepInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<StepDone>> {
	const earlier = await stepReplay(input.idempotencyKey, input.deliveryId, input.step);
	if (earlier) return earlier;
	try {
		return await db().transaction(async (tx) => {
			const [row] = await lockDeliveries(tx, [input.deliveryId]);
			if (!row || !inScope(principal, row.stay)) throw new DeliveryRefusal('not_found');
			if (principal.role === 'resident' && principal.readOnly) throw new DeliveryRefusal('read_only');
			// The same key sent at once: the copy that waited for the lock finds the first one's step done.
			const waited = await stepReplay(input.idempotencyKey, input.deliveryId, input.step, tx);
			if (waited) return waited;
			const d = row.delivery;
			if (d.version !== input.version) {
				const last = await lastChange(tx, d.id);
				throw new DeliveryRefusal('stale', {
					status: d.status,
					by: last?.name ?? null,
					at: last?.at ?? null
				});
			}
			const check = checkStep(d, input.step, actorOf(principal, row.stay.residentId), input.reason);
			if (!check.ok) throw new DeliveryRefusal(check.error, { status: d.status });
			const version = await apply(
				tx,
				principal,
				row,
				input.step,
				check.to,
				input.step === 'cancel' ? input.reason.trim() : null,
				input.idempotencyKey,
				ip,
				now
			);
			await notifyDeliveries(tx, row.stay);
			return { ok: true as const, replayed: false, value: { deliveryId: d.id, status: check.to, version } };
		});
	} catch (e) {
		if (e instanceof DeliveryRefusal) return { ok: false, error: e.code, detail: e.detail };
		if (pgConstraint(e) === 'delivery_events_idempotency_key') {
			const again = await stepReplay(input.idempotencyKey, input.deliveryId, input.step);
			if (again) return again;
		}
		throw e;
	}
}

export interface BulkSkip {
	deliveryId: string;
	reason: DeliveryError;
	status: DeliveryStatus | null;
}

export interface BulkDone {
	done: string[];
	skipped: BulkSkip[];
}

const bulkKey = (key: string, deliveryId: string) => `${key}:${deliveryId}`;

/**
 * The same step for many deliveries of one site at once (a floor marked delivered), in one transaction.
 * Each delivery that moved on since the list was shown (another version, another state, no longer in
 * this site) is skipped with its reason; the rest move together. Replaying the key changes nothing.
 */
export async function bulkStep(
	principal: Principal,
	siteId: string,
	input: BulkInput,
	ip: string | null = null,
	now = new Date()
): Promise<DeliveryResult<BulkDone>> {
	const replay = async (conn: DbOrTx = db()) => {
		const rows = await conn
			.select({ deliveryId: t.deliveryEvents.deliveryId })
			.from(t.deliveryEvents)
			.where(like(t.deliveryEvents.idempotencyKey, `${input.idempotencyKey.replace(/[\\%_]/g, '\\$&')}:%`));
		return rows.length
			? { ok: true as const, replayed: true, value: { done: rows.map((r) => r.deliveryId), skipped: [] } }
			: null;
	};
	const earlier = await replay();
	if (earlier) return earlier;
	try {
		return await db().transaction(async (tx) => {
			const wanted = new Map(input.entries.map((e) => [e.deliveryId, e.version]));
			const rows = await lockDeliveries(tx, [...wanted.keys()]);
			// The same key sent at once: the copy that waited for the locks finds the floor already done.
			const waited = await replay(tx);
			if (waited) return waited;
			const found = new Map(rows.map((r) => [r.delivery.id, r]));
			const done: string[] = [];
			const skipped: BulkSkip[] = [];
			const touched = new Map<string, Locked['stay']>();
			for (const [deliveryId, version] of wanted) {
				const row = found.get(deliveryId);
				if (!row || row.stay.siteId !== siteId || !inScope(principal, row.stay)) {
					skipped.push({ deliveryId, reason: 'not_found', status: null });
					continue;
				}
				const d = row.delivery;
				if (d.version !== version) {
					skipped.push({ deliveryId, reason: 'stale', status: d.status });
					continue;
				}
				const check = checkStep(d, input.step, actorOf(principal, row.stay.residentId));
				if (!check.ok) {
					skipped.push({ deliveryId, reason: check.error, status: d.status });
					continue;
				}
				await apply(
					tx,
					principal,
					row,
					input.step,
					check.to,
					null,
					bulkKey(input.idempotencyKey, d.id),
					ip,
					now
				);
				done.push(d.id);
				touched.set(row.stay.id, row.stay);
			}
			for (const stay of touched.values()) await notifyDeliveries(tx, stay);
			return { ok: true as const, replayed: false, value: { done, skipped } };
		});
	} catch (e) {
		if (e instanceof DeliveryRefusal) return { ok: false, error: e.code, detail: e.detail };
		if (pgConstraint(e) === 'delivery_events_idempotency_key') {
			const again = await replay();
			if (again) return again;
		}
		throw e;
	}
}
