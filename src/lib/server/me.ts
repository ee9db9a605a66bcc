/** A resident's own stay, as they see it: no other resident's data can reach here. */
import { desc, eq } from 'drizzle-orm';
import { position, schedule } from '../domain/plan';
import { db } from './db';
import * as t from './db/schema';

export async function myStay(residentId: string, now = new Date()) {
	const [row] = await db()
		.select({
			stay: t.stays,
			siteName: t.sites.name,
			siteNameEn: t.sites.nameEn,
			sitePhone: t.sites.phone,
			timeZone: t.sites.timeZone,
			planName: t.plans.name,
			planNameEn: t.plans.nameEn,
			roomNumber: t.rooms.number
		})
		.from(t.stays)
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.innerJoin(t.plans, eq(t.plans.id, t.stays.planId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(eq(t.stays.residentId, residentId))
		.orderBy(desc(t.stays.admittedAt))
		.limit(1);
	if (!row) return null;
	const sched = schedule(row.stay.periodStart, row.stay.planPhases, row.stay.extensions);
	const pos = position(sched, now);
	return {
		status: row.stay.status,
		planName: row.planName,
		planNameEn: row.planNameEn,
		mode: row.stay.planPhases[row.stay.phaseIndex]?.mode ?? null,
		day: pos.day,
		totalDays: pos.totalDays,
		releaseDueAt: sched.releaseAt,
		outcomeAt: row.stay.outcomeAt,
		siteName: row.siteName,
		siteNameEn: row.siteNameEn,
		sitePhone: row.sitePhone,
		roomNumber: row.roomNumber,
		timeZone: row.timeZone
	};
}
