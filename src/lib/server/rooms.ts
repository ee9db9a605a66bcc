/**
 * Terminal disinfection (终末消毒): a room vacated by a release, handover, transfer or other outcome
 * waits as `needs_disinfection` until staff mark it clean, with who and when. Only then is it offered
 * at admission again (admission takes `available` or `occupied` rooms with a free bed).
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import { audit } from './audit';
import { db } from './db';
import * as t from './db/schema';

export type CleanResult =
	{ ok: true; status: 'available' | 'occupied' } | { ok: false; error: 'not_found' | 'not_needed' };

export async function markRoomClean(
	principal: Principal,
	siteId: string,
	roomId: string,
	ip: string | null = null,
	now = new Date()
): Promise<CleanResult> {
	return db().transaction(async (tx) => {
		const [room] = await tx
			.select({ id: t.rooms.id, status: t.rooms.status })
			.from(t.rooms)
			.where(and(eq(t.rooms.id, roomId), eq(t.rooms.siteId, siteId)));
		if (!room) return { ok: false, error: 'not_found' } as const;
		// One statement decides: a second click, or a colleague's at the same moment, finds nothing to do.
		const [done] = await tx
			.update(t.rooms)
			.set({
				status: sql`case when ${t.rooms.occupants} > 0 then 'occupied'::room_status else 'available'::room_status end`,
				cleanedAt: now,
				cleanedBy: principal.userId,
				version: sql`${t.rooms.version} + 1`
			})
			.where(and(eq(t.rooms.id, roomId), eq(t.rooms.status, 'needs_disinfection')))
			.returning({ status: t.rooms.status });
		if (!done) return { ok: false, error: 'not_needed' } as const;
		await audit(tx, {
			actor: principal,
			action: 'mark_clean',
			entity: 'room',
			entityId: roomId,
			before: { status: 'needs_disinfection' },
			after: { status: done.status },
			ip,
			at: now
		});
		return { ok: true, status: done.status as 'available' | 'occupied' } as const;
	});
}

/**
 * Clean rooms with a free bed at active centralised sites, in walking order: what admission and a
 * transfer may offer. `siteIds` limits them to a user's scope (undefined: every site).
 */
export async function freeRooms(siteIds?: readonly string[]) {
	if (siteIds && !siteIds.length) return [];
	return db()
		.select({
			id: t.rooms.id,
			number: t.rooms.number,
			building: t.rooms.building,
			floor: t.rooms.floor,
			capacity: t.rooms.capacity,
			occupants: t.rooms.occupants,
			siteId: t.sites.id,
			siteName: t.sites.name,
			siteNameEn: t.sites.nameEn
		})
		.from(t.rooms)
		.innerJoin(t.sites, eq(t.sites.id, t.rooms.siteId))
		.where(
			and(
				eq(t.sites.kind, 'centralised'),
				eq(t.sites.active, true),
				inArray(t.rooms.status, ['available', 'occupied']),
				lt(t.rooms.occupants, t.rooms.capacity),
				siteIds ? inArray(t.sites.id, [...siteIds]) : undefined
			)
		)
		.orderBy(asc(t.sites.code), asc(t.rooms.building), asc(t.rooms.floor), asc(t.rooms.walkOrder));
}
