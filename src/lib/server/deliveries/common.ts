/**
 * What every delivery use case shares: its refusals, the scope rule (staff of the site or community
 * managing the stay, or the resident it is for), the dated step row, and the live notice.
 */
import { sql } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import type { DeliveryStatus } from '../../domain/delivery';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import { ALERTS_CHANNEL } from '../readings/record';

export type DeliveryError =
	| 'not_found'
	/** Someone else changed the delivery since the page was shown. */
	| 'stale'
	| 'illegal'
	| 'not_allowed'
	| 'reason_required'
	| 'stay_ended'
	| 'kind_required'
	| 'allergy_unconfirmed'
	| 'no_need'
	| 'key_conflict'
	| 'read_only';

/** A refusal the user can act on; thrown inside the transaction so nothing is written. */
export class DeliveryRefusal extends Error {
	constructor(
		readonly code: DeliveryError,
		readonly detail: Record<string, unknown> = {}
	) {
		super(code);
	}
}

export type DeliveryResult<T> =
	| { ok: true; replayed: boolean; value: T }
	| { ok: false; error: DeliveryError; detail?: Record<string, unknown> };

/** Whether the principal may act on deliveries of a stay managed by `siteId` for `residentId`. */
export function inScope(principal: Principal, stay: { siteId: string; residentId: string }): boolean {
	if (principal.role === 'resident') return can(principal, 'own:read', { residentId: stay.residentId });
	return can(principal, 'stay:write', { siteId: stay.siteId });
}

/** The actor the state machine judges: a resident acts only on their own deliveries. */
export function actorOf(principal: Principal, residentId: string) {
	return { role: principal.role, own: principal.residentId === residentId };
}

/** The columns that say who took a step and when. */
export function stepColumns(
	to: DeliveryStatus,
	userId: string,
	now: Date
): Partial<typeof t.deliveries.$inferInsert> {
	switch (to) {
		case 'approved':
			return { approvedAt: now, approvedBy: userId };
		case 'packed':
			return { packedAt: now, packedBy: userId };
		case 'out_for_delivery':
			return { outForDeliveryAt: now, outForDeliveryBy: userId };
		case 'delivered':
			return { deliveredAt: now, deliveredBy: userId };
		case 'received':
			return { receivedAt: now, receivedBy: userId };
		case 'cancelled':
			return { cancelledAt: now, cancelledBy: userId };
		default:
			return {};
	}
}

export async function recordStep(
	tx: DbOrTx,
	values: Omit<typeof t.deliveryEvents.$inferInsert, 'id'>
): Promise<void> {
	await tx.insert(t.deliveryEvents).values(values);
}

/**
 * Tells live pages that a stay's deliveries changed (the worklists in scope, the resident's own page);
 * delivered on commit. Ids only: listeners re-read what they may see.
 */
export async function notifyDeliveries(
	tx: DbOrTx,
	stay: { id: string; siteId: string; residentId: string }
): Promise<void> {
	const payload = { siteId: stay.siteId, stayId: stay.id, residentId: stay.residentId, topic: 'deliveries' };
	await tx.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify(payload)})`);
}
