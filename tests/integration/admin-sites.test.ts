/**
 * Admin management of sites, communities and rooms: unique codes, time zones, kinds that lock once used,
 * bulk room creation, capacity and status rules (down to the database's own check), optimistic locking,
 * and the audit row every write leaves.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { createSiteSchema, type SiteFields } from '../../src/lib/schemas/sites';
import * as sites from '../../src/lib/server/admin-sites';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeSite, makeStay } from './helpers/factories';

let tdb: TestDatabase;
const ip = '10.0.0.9';
const admin: Principal = {
	userId: crypto.randomUUID(),
	role: 'admin',
	siteIds: [],
	residentId: null,
	readOnly: false
};

beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

let n = 0;
function fields(over: Partial<SiteFields> = {}): SiteFields {
	n++;
	return {
		code: `IT-${n}-${Math.random().toString(36).slice(2, 6)}`,
		kind: 'centralised',
		name: `集成测试隔离点 ${n}`,
		nameEn: '',
		district: '解放区',
		address: '',
		phone: '0391-1234567',
		timeZone: 'Asia/Shanghai',
		...over
	};
}

async function auditRows(entity: string, entityId: string) {
	return tdb.db
		.select()
		.from(t.auditLog)
		.where(and(eq(t.auditLog.entity, entity), eq(t.auditLog.entityId, entityId)))
		.orderBy(t.auditLog.id);
}

async function createdSite(over: Partial<SiteFields> = {}) {
	const result = await sites.createSite(admin, fields(over), ip);
	if (!result.ok) throw new Error(result.error);
	const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, result.value.id));
	return row!;
}

describe('creating a site', () => {
	it('creates it with an audit row of what was made, empty optional fields stored as null', async () => {
		const input = fields({ kind: 'community', nameEn: 'Test Centre' });
		const result = await sites.createSite(admin, input, ip);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, result.value.id));
		expect(row).toMatchObject({ code: input.code, kind: 'community', address: null, active: true });
		const [entry] = await auditRows('site', row!.id);
		expect(entry).toMatchObject({ action: 'create', actorId: admin.userId, actorRole: 'admin', ip });
		expect(entry!.after).toMatchObject({ siteCode: input.code, kind: 'community', nameEn: 'Test Centre' });
	});

	it('refuses a code that is taken, at the code field, and adds nothing', async () => {
		const first = await createdSite();
		const again = await sites.createSite(admin, fields({ code: first.code, name: '另一个' }), ip);
		expect(again).toEqual({ ok: false, error: 'site_code_taken', field: 'code' });
		const rows = await tdb.db.select().from(t.sites).where(eq(t.sites.code, first.code));
		expect(rows).toHaveLength(1);
	});

	it('refuses a time zone that is not an IANA zone, in the form and in the use case', async () => {
		for (const timeZone of ['Mars/Olympus_Mons', 'UTC+8', 'local', 'GMT+08:00', '']) {
			const parsed = createSiteSchema.safeParse(fields({ timeZone }));
			expect(parsed.success, timeZone).toBe(false);
			const result = await sites.createSite(admin, fields({ timeZone }), ip);
			expect(result.ok, timeZone).toBe(false);
			if (!result.ok) expect(result.field).toBe('timeZone');
		}
	});

	it('stores a valid zone under its canonical name', async () => {
		const site = await createdSite({ timeZone: 'asia/urumqi' });
		expect(site.timeZone).toBe('Asia/Urumqi');
		expect((await createdSite({ timeZone: 'Europe/Berlin' })).timeZone).toBe('Europe/Berlin');
	});

	it('defaults the zone to Asia/Shanghai when the form leaves it out', () => {
		const { timeZone: _omit, ...rest } = fields();
		const parsed = createSiteSchema.parse(rest);
		expect(parsed.timeZone).toBe('Asia/Shanghai');
	});

	it('refuses codes with spaces or odd characters', async () => {
		for (const code of ['a', 'JZ C01', '-JZ', 'JZ/01']) {
			const result = await sites.createSite(admin, fields({ code }), ip);
			expect(result.ok, code).toBe(false);
			if (!result.ok) expect(result.field).toBe('code');
		}
	});
});

describe('editing a site', () => {
	it('saves the changed fields under the version, audits only what changed, and refuses a stale version', async () => {
		const site = await createdSite();
		const saved = await sites.updateSite(
			admin,
			site.id,
			{ ...fields({ code: site.code, name: '改名后的隔离点' }), version: site.version },
			ip
		);
		expect(saved).toEqual({ ok: true, value: { code: site.code } });
		const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, site.id));
		expect(row).toMatchObject({ name: '改名后的隔离点', version: site.version + 1 });
		const entries = await auditRows('site', site.id);
		const update = entries.find((e) => e.action === 'update')!;
		expect(update.before).toEqual({ name: site.name });
		expect(update.after).toEqual({ name: '改名后的隔离点' });

		const stale = await sites.updateSite(
			admin,
			site.id,
			{ ...fields({ code: site.code, name: '又改' }), version: site.version },
			ip
		);
		expect(stale).toEqual({ ok: false, error: 'site_stale' });
	});

	it('renames the code, audited as siteCode (the audit drops fields named code)', async () => {
		const site = await createdSite();
		const renamed = `${site.code}-X`;
		const result = await sites.updateSite(
			admin,
			site.id,
			{ ...fields({ code: renamed, name: site.name }), version: site.version },
			ip
		);
		expect(result).toEqual({ ok: true, value: { code: renamed } });
		expect((await sites.getSiteByCode(renamed))?.id).toBe(site.id);
		const update = (await auditRows('site', site.id)).find((e) => e.action === 'update')!;
		expect(update.before).toEqual({ siteCode: site.code });
		expect(update.after).toEqual({ siteCode: renamed });
	});

	it('refuses to take another site’s code', async () => {
		const a = await createdSite();
		const b = await createdSite();
		const result = await sites.updateSite(
			admin,
			b.id,
			{ ...fields({ code: a.code }), version: b.version },
			ip
		);
		expect(result).toEqual({ ok: false, error: 'site_code_taken', field: 'code' });
	});

	it('changes the kind while the site is unused, and never once it has stays', async () => {
		const fresh = await createdSite();
		const changed = await sites.updateSite(
			admin,
			fresh.id,
			{ ...fields({ code: fresh.code, kind: 'community' }), version: fresh.version },
			ip
		);
		expect(changed.ok).toBe(true);

		const { site, community, room, plan } = await makeGround(tdb.db);
		const resident = await makeResident(tdb.db, community.id);
		await makeStay(tdb.db, {
			residentId: resident.id,
			siteId: site.id,
			homeCommunityId: community.id,
			planId: plan.id,
			roomId: room.id
		});
		expect(await sites.kindLock(site.id)).toBe('site_kind_locked_stays');
		const locked = await sites.updateSite(
			admin,
			community.id,
			{ ...fields({ code: community.code, name: community.name, kind: 'centralised' }), version: 1 },
			ip
		);
		expect(locked).toEqual({ ok: false, error: 'site_kind_locked_stays', field: 'kind' });
		const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, community.id));
		expect(row!.kind).toBe('community');
	});

	it('does not turn a site with rooms into a community', async () => {
		const site = await makeSite(tdb.db);
		await makeRoom(tdb.db, site.id);
		const result = await sites.updateSite(
			admin,
			site.id,
			{ ...fields({ code: site.code, kind: 'community' }), version: site.version },
			ip
		);
		expect(result).toEqual({ ok: false, error: 'site_kind_locked_rooms', field: 'kind' });
	});
});

describe('deactivating a site', () => {
	it('refuses while it still manages residents, and otherwise deactivates and reactivates, audited', async () => {
		const { site, community, plan } = await makeGround(tdb.db);
		const resident = await makeResident(tdb.db, community.id);
		const stay = await makeStay(tdb.db, {
			residentId: resident.id,
			siteId: community.id,
			homeCommunityId: community.id,
			planId: plan.id
		});
		expect(await sites.setSiteActive(admin, community.id, false, 1, ip)).toEqual({
			ok: false,
			error: 'site_has_active_stays'
		});

		expect(await sites.setSiteActive(admin, site.id, false, 2, ip)).toEqual({
			ok: false,
			error: 'site_stale'
		});
		expect(await sites.setSiteActive(admin, site.id, false, 1, ip)).toEqual({ ok: true, value: null });
		expect(await sites.setSiteActive(admin, site.id, true, 2, ip)).toEqual({ ok: true, value: null });
		const actions = (await auditRows('site', site.id)).map((e) => e.action);
		expect(actions).toEqual(['deactivate', 'reactivate']);

		// Once the resident has gone, the community can be deactivated too.
		await tdb.db
			.update(t.stays)
			.set({ status: 'released', outcomeAt: new Date() })
			.where(eq(t.stays.id, stay.id));
		expect(await sites.setSiteActive(admin, community.id, false, 1, ip)).toEqual({ ok: true, value: null });
	});
});

describe('bulk room creation', () => {
	it('numbers rooms floor + two digits, counts what it made and skipped, and lists them in walking order', async () => {
		const site = await createdSite();
		// One room already there, made by hand before.
		await makeRoom(tdb.db, site.id, { floor: 3, number: '302', walkOrder: 2 });

		const first = await sites.createRooms(
			admin,
			site.id,
			{ building: '', floorFrom: 2, floorTo: 3, roomFrom: 1, roomTo: 4, capacity: 2 },
			ip
		);
		expect(first).toEqual({ ok: true, value: { created: 7, skipped: 1 } });

		const again = await sites.createRooms(
			admin,
			site.id,
			{ building: '', floorFrom: 3, floorTo: 3, roomFrom: 1, roomTo: 12, capacity: 1 },
			ip
		);
		expect(again).toEqual({ ok: true, value: { created: 8, skipped: 4 } });

		const rooms = await sites.listRooms(site.id);
		expect(rooms.map((r) => r.number)).toEqual([
			'201',
			'202',
			'203',
			'204',
			...['301', '302', '303', '304', '305', '306', '307', '308', '309', '310', '311', '312']
		]);
		expect(rooms.find((r) => r.number === '203')).toMatchObject({ floor: 2, capacity: 2, walkOrder: 3 });
		expect(rooms.find((r) => r.number === '307')).toMatchObject({ floor: 3, capacity: 1, walkOrder: 7 });
		expect(rooms.every((r) => r.status === 'available' && r.occupants === 0)).toBe(true);

		const entries = (await auditRows('site', site.id)).filter((e) => e.action === 'create_rooms');
		expect(entries).toHaveLength(2);
		expect(entries[0]!.after).toMatchObject({ floorFrom: 2, floorTo: 3, created: 7, skipped: 1 });
	});

	it('keeps buildings apart: the same number in another building is a new room', async () => {
		const site = await createdSite();
		const a = await sites.createRooms(
			admin,
			site.id,
			{ building: 'A', floorFrom: 1, floorTo: 1, roomFrom: 1, roomTo: 2, capacity: 1 },
			ip
		);
		const b = await sites.createRooms(
			admin,
			site.id,
			{ building: 'B', floorFrom: 1, floorTo: 1, roomFrom: 1, roomTo: 2, capacity: 1 },
			ip
		);
		expect(a.ok && b.ok && a.value.created + b.value.created).toBe(4);
		const rooms = await sites.listRooms(site.id);
		expect(rooms.map((r) => `${r.building}${r.number}`)).toEqual(['A101', 'A102', 'B101', 'B102']);
	});

	it('numbers floors above 9 with all their digits (floor 12, room 7 → 1207)', async () => {
		const site = await createdSite();
		await sites.createRooms(
			admin,
			site.id,
			{ building: '', floorFrom: 9, floorTo: 12, roomFrom: 7, roomTo: 7, capacity: 1 },
			ip
		);
		expect((await sites.listRooms(site.id)).map((r) => r.number)).toEqual(['907', '1007', '1107', '1207']);
	});

	it('refuses a community, reversed ranges and too many rooms, creating nothing', async () => {
		const community = await createdSite({ kind: 'community' });
		const result = await sites.createRooms(
			admin,
			community.id,
			{ building: '', floorFrom: 1, floorTo: 1, roomFrom: 1, roomTo: 2, capacity: 1 },
			ip
		);
		expect(result).toEqual({ ok: false, error: 'site_not_centralised' });
		const site = await createdSite();
		const reversed = await sites.createRooms(
			admin,
			site.id,
			{ building: '', floorFrom: 5, floorTo: 2, roomFrom: 1, roomTo: 2, capacity: 1 },
			ip
		);
		expect(reversed).toMatchObject({ ok: false, error: 'room_range', field: 'floorTo' });
		const huge = await sites.createRooms(
			admin,
			site.id,
			{ building: '', floorFrom: 1, floorTo: 99, roomFrom: 1, roomTo: 99, capacity: 1 },
			ip
		);
		expect(huge).toMatchObject({ ok: false, error: 'room_too_many' });
		expect(await sites.listRooms(site.id)).toHaveLength(0);
	});
});

describe('editing a room', () => {
	async function occupiedRoom(capacity: number, occupants: number) {
		const { site, community, plan } = await makeGround(tdb.db);
		const room = await makeRoom(tdb.db, site.id, { capacity });
		for (let i = 0; i < occupants; i++) {
			const resident = await makeResident(tdb.db, community.id);
			await makeStay(tdb.db, {
				residentId: resident.id,
				siteId: site.id,
				homeCommunityId: community.id,
				planId: plan.id,
				roomId: room.id
			});
		}
		const [row] = await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, room.id));
		expect(row!.occupants).toBe(occupants);
		return { site, room: row! };
	}

	it('refuses fewer beds than occupants (the database check, mapped to a message), and allows as many', async () => {
		const { site, room } = await occupiedRoom(3, 2);
		const below = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 1, status: room.status, version: room.version },
			ip
		);
		expect(below).toEqual({ ok: false, error: 'room_below_occupants', field: 'capacity' });
		const [unchanged] = await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, room.id));
		expect(unchanged).toMatchObject({ capacity: 3, version: room.version });

		const exact = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 2, status: room.status, version: room.version },
			ip
		);
		expect(exact).toEqual({ ok: true, value: { number: room.number } });
		const [entry] = await auditRows('room', room.id);
		expect(entry).toMatchObject({ action: 'update', before: { number: room.number, capacity: 3 } });
		expect(entry!.after).toEqual({ number: room.number, capacity: 2 });
	});

	it('does not take a room with residents out of service', async () => {
		const { site, room } = await occupiedRoom(2, 1);
		const result = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 2, status: 'out_of_service', version: room.version },
			ip
		);
		expect(result).toEqual({ ok: false, error: 'room_has_residents', field: 'status' });
	});

	it('switches an empty room out of service and back, and refuses a stale version', async () => {
		const site = await createdSite();
		const room = await makeRoom(tdb.db, site.id);
		const out = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 1, status: 'out_of_service', version: room.version },
			ip
		);
		expect(out.ok).toBe(true);
		const stale = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 1, status: 'available', version: room.version },
			ip
		);
		expect(stale).toEqual({ ok: false, error: 'room_stale' });
		const back = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 1, status: 'available', version: room.version + 1 },
			ip
		);
		expect(back.ok).toBe(true);
		const [row] = await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, room.id));
		expect(row).toMatchObject({ status: 'available', version: room.version + 2 });
	});

	it('leaves occupied and awaiting-disinfection to their own flows, and rooms of other sites alone', async () => {
		const site = await createdSite();
		const room = await makeRoom(tdb.db, site.id, { status: 'needs_disinfection' });
		const toAvailable = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 1, status: 'available', version: room.version },
			ip
		);
		expect(toAvailable).toEqual({ ok: false, error: 'room_status_not_allowed', field: 'status' });
		// Capacity alone may still change.
		const capacity = await sites.updateRoom(
			admin,
			site.id,
			{ roomId: room.id, capacity: 2, status: 'needs_disinfection', version: room.version },
			ip
		);
		expect(capacity.ok).toBe(true);

		const other = await createdSite();
		const elsewhere = await sites.updateRoom(
			admin,
			other.id,
			{ roomId: room.id, capacity: 1, status: 'needs_disinfection', version: room.version + 1 },
			ip
		);
		expect(elsewhere).toEqual({ ok: false, error: 'room_not_found' });
	});
});

describe('the list of sites', () => {
	it('counts rooms by status', async () => {
		const site = await createdSite();
		await makeRoom(tdb.db, site.id, { status: 'available' });
		await makeRoom(tdb.db, site.id, { status: 'out_of_service' });
		await makeRoom(tdb.db, site.id, { status: 'needs_disinfection' });
		const [row] = await sites.listSites({ q: site.code });
		expect(row).toMatchObject({
			code: site.code,
			rooms: { total: 3, available: 1, occupied: 0, needsDisinfection: 1, outOfService: 1 }
		});
	});
});
