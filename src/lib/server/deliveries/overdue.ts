/**
 * The overdue rule, run by the scheduler inside its transaction: a medicine (or TCM) still on its way
 * `hours` after approval raises the stay's `delivery_overdue` warning, once per delivery (the delivery
 * keeps when it was flagged). One active alert per stay and kind: a second late medicine of the same
 * stay counts into the same alert.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import { notifyAlerts, raiseAlert } from '../readings/record';
import { overdueCandidates } from './lists';

export const DEFAULT_OVERDUE_HOURS = 24;

export async function raiseOverdue(tx: DbOrTx, now: Date, hours: number): Promise<number> {
	const cutoff = new Date(now.getTime() - hours * 3600_000);
	const late = await tx
		.select({
			id: t.deliveries.id,
			kind: t.deliveries.kind,
			status: t.deliveries.status,
			approvedAt: t.deliveries.approvedAt,
			stayId: t.stays.id,
			siteId: t.stays.siteId
		})
		.from(t.deliveries)
		.innerJoin(t.stays, eq(t.stays.id, t.deliveries.stayId))
		.where(and(overdueCandidates(cutoff), eq(t.stays.status, 'active')))
		.for('update', { of: t.deliveries });
	const sites = new Map<string, string>();
	for (const d of late) {
		await raiseAlert(
			tx,
			d.stayId,
			null,
			{
				kind: 'delivery_overdue',
				severity: 'warning',
				value: { deliveryId: d.id, kind: d.kind, status: d.status, approvedAt: d.approvedAt, hours }
			},
			now
		);
		// The version does not move: an open page's next step on it is still valid.
		await tx.update(t.deliveries).set({ overdueAt: now }).where(eq(t.deliveries.id, d.id));
		sites.set(d.siteId, d.stayId);
	}
	for (const [siteId, stayId] of sites) await notifyAlerts(tx, stayId, siteId);
	return late.length;
}
