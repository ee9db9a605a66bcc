import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { inbox } from '../../src/lib/server/alerts';
import * as t from '../../src/lib/server/db/schema';
import { transferStay } from '../../src/lib/server/stays';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeSite, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let otherSite: Awaited<ReturnType<typeof makeSite>>;
let nurse: Principal;
let bothSites: Principal;
let otherNurse: Principal;
const now = new Date('2026-11-24T04:00:00Z');

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	otherSite = await makeSite(tdb.db, { code: `T-B-${Date.now().toString(36)}` });
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士甲');
	bothSites = await makeStaff(tdb.db, 'site_staff', [ground.site.id, otherSite.id], '调度乙');
	otherNurse = await makeStaff(tdb.db, 'site_staff', [otherSite.id], '护士丙');
});
afterAll(async () => {
	await tdb?.destroy();
});

async function residentInRoom(siteId = ground.site.id) {
	const room = await makeRoom(tdb.db, siteId, { status: 'occupied', building: 'A' });
	const r = await makeResident(tdb.db, ground.community.id);
	const stay = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id,
			roomId: room.id
		},
		{ admittedAt: new Date(now.getTime() - 86_400_000) }
	);
	return { stay, room, resident: r };
}

const guarded = (s: { id: string; version: number }, roomId: string, reason = '空调故障') => ({
	stayId: s.id,
	version: s.version,
	idempotencyKey: uniqueKey('move'),
	roomId,
	reason
});

const stayRow = async (id: string) => (await tdb.db.select().from(t.stays).where(eq(t.stays.id, id)))[0]!;
const roomRow = async (id: string) => (await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, id)))[0]!;
const eventsOf = async (id: string) => tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, id));

describe('moving a resident to another room', () => {
	it('moves within the site: beds follow, the old room awaits disinfection, one room_transferred event', async () => {
		const { stay, room } = await residentInRoom();
		const target = await makeRoom(tdb.db, ground.site.id, { building: 'A', number: '509' });
		const input = guarded(stay, target.id);
		const res = await transferStay(nurse, input, null, null, now);
		expect(res).toMatchObject({
			ok: true,
			replayed: false,
			value: { roomId: target.id, kind: 'room_transferred' }
		});
		expect(await stayRow(stay.id)).toMatchObject({ roomId: target.id, siteId: ground.site.id, version: 2 });
		expect(await roomRow(room.id)).toMatchObject({ status: 'needs_disinfection', occupants: 0 });
		expect(await roomRow(target.id)).toMatchObject({ status: 'occupied', occupants: 1 });
		const [event] = await eventsOf(stay.id);
		expect(event).toMatchObject({ kind: 'room_transferred', actorId: nurse.userId });
		expect(event!.data).toMatchObject({ toRoom: `${ground.site.code} A-509`, reason: '空调故障' });

		// The same form submitted twice moves once.
		const again = await transferStay(nurse, input, null, null, now);
		expect(again).toMatchObject({ ok: true, replayed: true, value: { roomId: target.id } });
		expect(await eventsOf(stay.id)).toHaveLength(1);
		expect((await roomRow(target.id)).occupants).toBe(1);
	});

	it('moves to another site: the stay, its alerts and its inbox go with it', async () => {
		const { stay, room } = await residentInRoom();
		await tdb.db.insert(t.alerts).values({
			stayId: stay.id,
			kind: 'fever',
			severity: 'warning',
			firstTriggeredAt: now,
			lastTriggeredAt: now
		});
		const target = await makeRoom(tdb.db, otherSite.id, { building: 'B', number: '101' });
		// Only someone who may admit at the other site may move a resident there.
		expect(await transferStay(nurse, guarded(stay, target.id), null, null, now)).toMatchObject({
			ok: false,
			error: 'site_not_allowed'
		});
		const res = await transferStay(bothSites, guarded(stay, target.id), null, null, now);
		expect(res).toMatchObject({ ok: true, value: { siteId: otherSite.id, kind: 'site_transferred' } });
		expect(await stayRow(stay.id)).toMatchObject({ siteId: otherSite.id, roomId: target.id });
		expect((await roomRow(room.id)).status).toBe('needs_disinfection');
		const seenByOther = (await inbox(otherNurse)).rows.map((a) => a.stayId);
		const seenByOld = (await inbox(nurse)).rows.map((a) => a.stayId);
		expect(seenByOther).toContain(stay.id);
		expect(seenByOld).not.toContain(stay.id);
	});

	it('refuses a room that is full, awaiting disinfection, the same room, or stale, and changes nothing', async () => {
		const { stay, room } = await residentInRoom();
		const full = await residentInRoom();
		const dirty = await makeRoom(tdb.db, ground.site.id, { status: 'needs_disinfection' });
		const free = await makeRoom(tdb.db, ground.site.id);
		const cases: [string, Record<string, unknown>][] = [
			[full.room.id, { error: 'room_full' }],
			[dirty.id, { error: 'room_unavailable' }],
			[room.id, { error: 'same_room' }],
			['', { error: 'room_required' }]
		];
		for (const [roomId, expected] of cases)
			expect(await transferStay(nurse, guarded(stay, roomId), null, null, now)).toMatchObject({
				ok: false,
				...expected
			});
		expect(
			await transferStay(nurse, { ...guarded(stay, free.id), version: stay.version + 5 }, null, null, now)
		).toMatchObject({ ok: false, error: 'stale' });
		expect(await stayRow(stay.id)).toMatchObject({ roomId: room.id, version: stay.version });
		expect(await eventsOf(stay.id)).toHaveLength(0);
		expect((await roomRow(free.id)).occupants).toBe(0);
	});

	it('refuses a resident isolated at home', async () => {
		const r = await makeResident(tdb.db, ground.community.id);
		const home = await makeStay(tdb.db, {
			residentId: r.id,
			siteId: ground.community.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		});
		const free = await makeRoom(tdb.db, ground.site.id);
		const admin = await makeStaff(tdb.db, 'admin');
		expect(await transferStay(admin, guarded(home, free.id), null, null, now)).toMatchObject({
			ok: false,
			error: 'not_in_room'
		});
	});
});

describe.runIf(engine === 'postgres')('concurrent moves on PostgreSQL', () => {
	it('two residents moved into the last bed at once: one moves, the other is told the room is full', async () => {
		for (let round = 0; round < 5; round++) {
			const a = await residentInRoom();
			const b = await residentInRoom();
			const target = await makeRoom(tdb.db, ground.site.id, { capacity: 1 });
			const [ra, rb] = await Promise.all([
				transferStay(nurse, guarded(a.stay, target.id), null, null, now),
				transferStay(nurse, guarded(b.stay, target.id), null, null, now)
			]);
			expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
			expect(ra.ok ? rb : ra).toMatchObject({ ok: false, error: 'room_full' });
			expect((await roomRow(target.id)).occupants).toBe(1);
			const stayed = ra.ok ? b : a;
			expect((await stayRow(stayed.stay.id)).roomId).toBe(stayed.room.id);
			expect((await roomRow(stayed.room.id)).status).toBe('occupied');
		}
	});
});
