/** Site and community summaries for the staff and clinician homes, scoped to the user's assignments. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../domain/access';
import { db } from './db';
import * as t from './db/schema';

export async function siteSummaries(principal: Principal, kind: 'centralised' | 'community') {
	const where = [eq(t.sites.kind, kind), eq(t.sites.active, true)];
	if (principal.role !== 'admin') {
		if (!principal.siteIds.length) return [];
		where.push(inArray(t.sites.id, [...principal.siteIds]));
	}
	const sites = await db()
		.select()
		.from(t.sites)
		.where(and(...where))
		.orderBy(asc(t.sites.code));
	if (!sites.length) return [];
	const ids = sites.map((s) => s.id);
	const rooms = await db()
		.select({ siteId: t.rooms.siteId, status: t.rooms.status, n: sql<number>`count(*)::int` })
		.from(t.rooms)
		.where(inArray(t.rooms.siteId, ids))
		.groupBy(t.rooms.siteId, t.rooms.status);
	const stays = await db()
		.select({
			siteId: t.stays.siteId,
			mode: sql<string>`${t.stays.planPhases} -> ${t.stays.phaseIndex}::int ->> 'mode'`,
			releaseDueAt: t.stays.releaseDueAt
		})
		.from(t.stays)
		.where(and(inArray(t.stays.siteId, ids), eq(t.stays.status, 'active')));
	return sites.map((s) => {
		const roomCount = (status?: string) =>
			rooms.filter((r) => r.siteId === s.id && (!status || r.status === status)).reduce((a, r) => a + r.n, 0);
		const mine = stays.filter((x) => x.siteId === s.id);
		const today = DateTime.now().setZone(s.timeZone);
		const dueToday = mine.filter((x) => {
			const due = DateTime.fromJSDate(x.releaseDueAt, { zone: s.timeZone });
			return due.hasSame(today, 'day');
		}).length;
		return {
			id: s.id,
			code: s.code,
			name: s.name,
			nameEn: s.nameEn,
			phone: s.phone,
			address: s.address,
			timeZone: s.timeZone,
			rooms: {
				total: roomCount(),
				occupied: roomCount('occupied'),
				available: roomCount('available'),
				cleaning: roomCount('needs_disinfection'),
				outOfService: roomCount('out_of_service')
			},
			active: mine.length,
			homeIsolation: mine.filter((x) => x.mode === 'home_isolation').length,
			homeMonitoring: mine.filter((x) => x.mode === 'home_monitoring').length,
			releaseDueToday: dueToday
		};
	});
}

export async function cityCounts() {
	const [row] = await db()
		.select({
			users: sql<number>`(select count(*)::int from users where role <> 'resident' and active)`,
			sites: sql<number>`(select count(*)::int from sites where kind = 'centralised' and active)`,
			communities: sql<number>`(select count(*)::int from sites where kind = 'community' and active)`,
			active: sql<number>`(select count(*)::int from stays where status = 'active')`
		})
		.from(sql`(select 1) as one`);
	return row!;
}

/** A site's or community's name and zone, for page headings. */
export async function siteName(siteId: string) {
	const [site] = await db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind,
			timeZone: t.sites.timeZone
		})
		.from(t.sites)
		.where(eq(t.sites.id, siteId));
	return site ?? null;
}
