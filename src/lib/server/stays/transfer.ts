/**
 * Transfers while in a centralised phase: to another room of the same site, or to a room of another
 * site. One version-guarded, idempotent transaction moves the stay (the occupancy trigger moves the
 * bed count, and the database refuses a room beyond capacity), sends the room left behind to terminal
 * disinfection, and records a `room_transferred` or `site_transferred` stay event. Active alerts follow
 * the stay, since they hang on it rather than on the room.
 */
import { and, eq, sql } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import type { TransferInput } from '../../schemas/stays';
import { audit } from '../audit';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import { notifyAlerts } from '../readings/record';
import { lockStay, recordEvent, runChange, StayRefusal, updateStay, vacateRoom } from './common';

type RoomRow = { id: string; siteId: string; siteCode: string; building: string; number: string };

const roomLabel = (r: RoomRow) => `${r.siteCode} ${r.building}-${r.number}`;

async function roomOf(tx: DbOrTx, roomId: string): Promise<RoomRow | null> {
	const [row] = await tx
		.select({
			id: t.rooms.id,
			siteId: t.rooms.siteId,
			siteCode: t.sites.code,
			building: t.rooms.building,
			number: t.rooms.number
		})
		.from(t.rooms)
		.innerJoin(t.sites, eq(t.sites.id, t.rooms.siteId))
		.where(eq(t.rooms.id, roomId));
	return row ?? null;
}

export async function transferStay(
	principal: Principal,
	input: TransferInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
) {
	return runChange(
		input,
		(e) => {
			const d = e.data as { toRoomId: string; toSiteId: string };
			return { roomId: d.toRoomId, siteId: d.toSiteId, kind: e.kind };
		},
		async (tx) => {
			const stay = await lockStay(tx, input, residentId);
			if (!stay.roomId) throw new StayRefusal('not_in_room');
			if (!input.roomId) throw new StayRefusal('room_required');
			if (input.roomId === stay.roomId) throw new StayRefusal('same_room');
			// The target room, locked so that a colleague's admission into it waits for this decision.
			const [target] = await tx
				.select({ room: t.rooms, kind: t.sites.kind, active: t.sites.active, code: t.sites.code })
				.from(t.rooms)
				.innerJoin(t.sites, eq(t.sites.id, t.rooms.siteId))
				.where(eq(t.rooms.id, input.roomId))
				.for('update', { of: t.rooms });
			if (!target || target.kind !== 'centralised' || !target.active) throw new StayRefusal('room_unknown');
			// Moving someone into a site takes the right to admit there.
			if (!can(principal, 'resident:admit', { siteId: target.room.siteId }))
				throw new StayRefusal('site_not_allowed');
			if (target.room.status !== 'available' && target.room.status !== 'occupied')
				throw new StayRefusal('room_unavailable');
			if (target.room.occupants >= target.room.capacity) throw new StayRefusal('room_full');
			const from = (await roomOf(tx, stay.roomId))!;
			const to: RoomRow = {
				id: target.room.id,
				siteId: target.room.siteId,
				siteCode: target.code,
				building: target.room.building,
				number: target.room.number
			};
			const betweenSites = to.siteId !== stay.siteId;
			await updateStay(tx, stay, { roomId: to.id, siteId: to.siteId }, now);
			await tx
				.update(t.rooms)
				.set({ status: 'occupied', version: sql`${t.rooms.version} + 1` })
				.where(and(eq(t.rooms.id, to.id), eq(t.rooms.status, 'available')));
			await vacateRoom(tx, stay.roomId);
			const event = await recordEvent(tx, {
				stayId: stay.id,
				kind: betweenSites ? 'site_transferred' : 'room_transferred',
				occurredAt: now,
				actorId: principal.userId,
				siteId: to.siteId,
				data: {
					fromRoomId: from.id,
					toRoomId: to.id,
					fromSiteId: stay.siteId,
					toSiteId: to.siteId,
					fromRoom: roomLabel(from),
					toRoom: roomLabel(to),
					reason: input.reason
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: betweenSites ? 'transfer_site' : 'transfer_room',
				entity: 'stay',
				entityId: stay.id,
				residentId: stay.residentId,
				before: { siteId: stay.siteId, roomId: from.id },
				after: { siteId: to.siteId, roomId: to.id, reason: input.reason },
				ip,
				at: now
			});
			await notifyAlerts(tx, stay.id, stay.siteId);
			if (betweenSites) await notifyAlerts(tx, stay.id, to.siteId);
			return event;
		}
	);
}
