/**
 * What every change to a stay shares: the stay locked and checked against the version the form saw,
 * a replayed idempotency key answering as the first request did, and the stay event that records it.
 */
import { and, eq, sql } from 'drizzle-orm';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { notifyStays } from '../live';

export type StayChangeError =
	| 'not_found'
	| 'stale'
	| 'stay_ended'
	| 'blocked'
	| 'override_not_allowed'
	| 'override_reason_required'
	| 'not_later'
	| 'bad_date'
	| 'bad_days'
	| 'no_next_phase'
	| 'phase_not_over'
	| 'hospital_required'
	| 'outcome_required'
	| 'in_future'
	| 'before_admission'
	| 'not_in_room'
	| 'room_required'
	| 'same_room'
	| 'room_unknown'
	| 'room_unavailable'
	| 'room_full'
	| 'site_not_allowed';

/** A refusal the user can act on; thrown inside the transaction so nothing is written. */
export class StayRefusal extends Error {
	constructor(
		readonly code: StayChangeError,
		readonly detail: Record<string, unknown> = {}
	) {
		super(code);
	}
}

export type Guarded = { stayId: string; version: number; idempotencyKey: string };

export type LockedStay = typeof t.stays.$inferSelect & { timeZone: string; siteCode: string };

/**
 * The stay, locked for this transaction and checked: it belongs to the resident the guard let through,
 * it is still active, and nobody changed it since the form was shown.
 */
export async function lockStay(tx: DbOrTx, input: Guarded, residentId: string | null): Promise<LockedStay> {
	const [row] = await tx
		.select({ stay: t.stays, timeZone: t.sites.timeZone, siteCode: t.sites.code })
		.from(t.stays)
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.where(eq(t.stays.id, input.stayId))
		.for('update', { of: t.stays });
	if (!row || (residentId !== null && row.stay.residentId !== residentId)) throw new StayRefusal('not_found');
	if (row.stay.status !== 'active') throw new StayRefusal('stay_ended');
	if (row.stay.version !== input.version) throw new StayRefusal('stale');
	return { ...row.stay, timeZone: row.timeZone, siteCode: row.siteCode };
}

/**
 * Writes the stay's new state only if its version is still the one locked: with the row lock this
 * never misses, but it keeps the rule in the statement itself.
 */
export async function updateStay(
	tx: DbOrTx,
	stay: LockedStay,
	values: Partial<typeof t.stays.$inferInsert>,
	now: Date
): Promise<void> {
	const done = await tx
		.update(t.stays)
		.set({ ...values, version: sql`${t.stays.version} + 1`, updatedAt: now })
		.where(and(eq(t.stays.id, stay.id), eq(t.stays.version, stay.version)))
		.returning({ id: t.stays.id });
	if (!done.length) throw new StayRefusal('stale');
}

/** A room left behind waits for terminal disinfection before anyone else is put in it. */
export async function vacateRoom(tx: DbOrTx, roomId: string | null): Promise<void> {
	if (!roomId) return;
	await tx
		.update(t.rooms)
		.set({
			status: 'needs_disinfection',
			cleanedAt: null,
			cleanedBy: null,
			version: sql`${t.rooms.version} + 1`
		})
		.where(eq(t.rooms.id, roomId));
}

export type Change<T> =
	| { ok: true; replayed: boolean; value: T }
	| { ok: false; error: StayChangeError; detail?: Record<string, unknown> };

/** The event a key already recorded, if any. */
async function replayOf(key: string, stayId: string) {
	const [event] = await db()
		.select()
		.from(t.stayEvents)
		.where(and(eq(t.stayEvents.idempotencyKey, key), eq(t.stayEvents.stayId, stayId)));
	return event ?? null;
}

/**
 * Runs one change in its own transaction, once per idempotency key. A replay (a double-submitted form,
 * a retried request) answers with what the first request recorded and changes nothing.
 */
export async function runChange<T>(
	input: Guarded,
	answer: (event: typeof t.stayEvents.$inferSelect) => T,
	work: (tx: DbOrTx) => Promise<typeof t.stayEvents.$inferSelect>
): Promise<Change<T>> {
	const earlier = await replayOf(input.idempotencyKey, input.stayId);
	if (earlier) return { ok: true, replayed: true, value: answer(earlier) };
	try {
		const event = await db().transaction(work);
		return { ok: true, replayed: false, value: answer(event) };
	} catch (e) {
		if (e instanceof StayRefusal) {
			// The same key sent twice at once: the second waited on the stay's lock, then found the stay
			// changed (or ended) by the first. That change was this request's own: answer as it did.
			const again = await replayOf(input.idempotencyKey, input.stayId);
			if (again) return { ok: true, replayed: true, value: answer(again) };
			return { ok: false, error: e.code, detail: e.detail };
		}
		if (pgConstraint(e) === 'stay_events_idempotency_key') {
			const again = await replayOf(input.idempotencyKey, input.stayId);
			if (again) return { ok: true, replayed: true, value: answer(again) };
			// The key was spent on another stay: this form is not the one that used it.
			return { ok: false, error: 'stale' };
		}
		// Someone took the last bed of the target room between the check and the move.
		if (pgConstraint(e) === 'rooms_occupants_check') return { ok: false, error: 'room_full' };
		throw e;
	}
}

export async function recordEvent(
	tx: DbOrTx,
	values: Omit<typeof t.stayEvents.$inferInsert, 'id' | 'recordedAt'>
) {
	const [event] = await tx.insert(t.stayEvents).values(values).returning();
	// Every change of a stay passes here: live figures (the dashboard) re-read on commit.
	await notifyStays(tx, values.siteId);
	return event!;
}
