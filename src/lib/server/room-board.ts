/** The room board of a centralised site: floors in walking order, each room with who is in it. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { position, schedule } from '../domain/plan';
import { db } from './db';
import * as t from './db/schema';

/** Surname and a star: enough for staff at the door, not a full name on a wall screen. */
export function initials(name: string): string {
	const chars = [...name.trim()];
	if (!chars.length) return '*';
	return /[\u4e00-\u9fff]/.test(chars[0]!) ? `${chars[0]}*` : `${chars[0]!.toUpperCase()}.`;
}

export async function roomBoard(siteId: string, now = new Date()) {
	const [site] = await db().select().from(t.sites).where(eq(t.sites.id, siteId));
	if (!site) return null;
	const rooms = await db()
		.select()
		.from(t.rooms)
		.where(eq(t.rooms.siteId, siteId))
		.orderBy(asc(t.rooms.building), asc(t.rooms.floor), asc(t.rooms.walkOrder), asc(t.rooms.number));
	const stays = rooms.length
		? await db()
				.select({
					stayId: t.stays.id,
					roomId: t.stays.roomId,
					residentId: t.stays.residentId,
					name: t.residents.name,
					periodStart: t.stays.periodStart,
					planPhases: t.stays.planPhases,
					extensions: t.stays.extensions
				})
				.from(t.stays)
				.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
				.where(and(eq(t.stays.siteId, siteId), eq(t.stays.status, 'active')))
		: [];
	const alerts = stays.length
		? await db()
				.select({ stayId: t.alerts.stayId, severity: t.alerts.severity })
				.from(t.alerts)
				.where(
					and(
						inArray(
							t.alerts.stayId,
							stays.map((s) => s.stayId)
						),
						inArray(t.alerts.status, ['open', 'acknowledged'])
					)
				)
		: [];
	const floors = new Map<string, { building: string; floor: number; rooms: unknown[] }>();
	const out = rooms.map((r) => {
		const occupants = stays
			.filter((s) => s.roomId === r.id)
			.map((s) => {
				const pos = position(schedule(s.periodStart, s.planPhases, s.extensions), now);
				const mine = alerts.filter((a) => a.stayId === s.stayId);
				return {
					residentId: s.residentId,
					initials: initials(s.name),
					day: pos.day,
					totalDays: pos.totalDays,
					alerts: mine.length,
					critical: mine.some((a) => a.severity === 'critical')
				};
			});
		return {
			id: r.id,
			number: r.number,
			building: r.building,
			floor: r.floor,
			status: r.status,
			capacity: r.capacity,
			cleanedAt: r.cleanedAt,
			occupants
		};
	});
	for (const r of out) {
		const key = `${r.building}|${r.floor}`;
		if (!floors.has(key)) floors.set(key, { building: r.building, floor: r.floor, rooms: [] });
		floors.get(key)!.rooms.push(r);
	}
	return {
		site: { id: site.id, name: site.name, nameEn: site.nameEn, code: site.code, kind: site.kind },
		floors: [...floors.values()] as { building: string; floor: number; rooms: typeof out }[]
	};
}
