import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { idCheckChar } from '../../src/lib/domain/id-number';
import { admissionSchema, type AdmissionInput } from '../../src/lib/schemas/admission';
import { admit, admissionOptions } from '../../src/lib/server/admission/admit';
import { loginResident } from '../../src/lib/server/auth/login';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makePlan, makeRoom, makeSite, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

let serial = 100;
function person(over: Partial<AdmissionInput> = {}): Omit<AdmissionInput, 'homeCommunityId' | 'planId'> {
	serial++;
	const first17 = `41081119880301${String(serial % 1000).padStart(3, '0')}`;
	return admissionSchema.parse({
		name: `入住${serial}`,
		idType: 'resident_id',
		idNumber: first17 + idCheckChar(first17),
		phone: `139${String(20_000_000 + serial).slice(-8)}`,
		homeAddress: '焦作市山阳区测试路 8 号',
		homeCommunityId: '00000000-0000-4000-8000-000000000000',
		category: 'close_contact',
		planId: '00000000-0000-4000-8000-000000000000',
		idempotencyKey: uniqueKey('adm'),
		...over
	});
}

const staffOf = (siteIds: string[]): Principal => ({
	userId: null as unknown as string,
	role: 'site_staff',
	siteIds,
	residentId: null,
	readOnly: false
});

async function setting() {
	const g = await makeGround(tdb.db, 1);
	const [user] = await tdb.db
		.insert(t.users)
		.values({ username: uniqueKey('staff'), displayName: '护士', role: 'site_staff' })
		.returning();
	return { ...g, staff: { ...staffOf([g.site.id]), userId: user!.id } };
}

describe('admission', () => {
	it('admits into a room: stay, release instant, occupied room, event, sign-in code and audit', async () => {
		const s = await setting();
		const now = new Date('2026-11-24T14:00:00Z'); // 22:00 in Shanghai
		const input = { ...person(), homeCommunityId: s.community.id, planId: s.plan.id, roomId: s.room.id };
		const r = await admit(s.staff, input, '10.0.0.1', now);
		expect(r).toMatchObject({ ok: true, replayed: false });
		if (!r.ok) return;
		const [stay] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, r.stayId));
		// ed9 7+3 from admission: release 10 × 24 h later, at 22:00 Shanghai time.
		expect(stay!.releaseDueAt.toISOString()).toBe('2026-12-04T14:00:00.000Z');
		expect(stay!.siteId).toBe(s.site.id);
		expect(stay!.planPhases).toEqual(s.plan.phases);
		const [room] = await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, s.room.id));
		expect(room).toMatchObject({ status: 'occupied', occupants: 1 });
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, r.stayId));
		expect(events.map((e) => e.kind)).toEqual(['admitted']);
		const [resident] = await tdb.db.select().from(t.residents).where(eq(t.residents.id, r.residentId));
		expect(resident).toMatchObject({ sex: expect.any(String), birthDate: '1988-03-01' });
		expect(r.code).toMatch(/^\d{8}$/);
		expect((await loginResident(tdb.db, { phone: input.phone, code: r.code }, { ip: '10.0.0.2' })).ok).toBe(
			true
		);
		const audits = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.entityId, r.stayId));
		expect(audits[0]).toMatchObject({ action: 'admit', residentId: r.residentId });
		expect(JSON.stringify(audits)).not.toContain(input.idNumber);
	});

	it('admits a person with an active stay only once, and says where they are', async () => {
		const s = await setting();
		const p = person();
		const first = await admit(s.staff, {
			...p,
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: s.room.id
		});
		expect(first.ok).toBe(true);
		const room2 = await makeRoom(tdb.db, s.site.id);
		const again = await admit(s.staff, {
			...p,
			idempotencyKey: uniqueKey(),
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: room2.id
		});
		expect(again).toMatchObject({ ok: false, error: 'already_active', field: 'idNumber' });
		if (!again.ok && first.ok) expect(again.residentId).toBe(first.residentId);
		const [room] = await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, room2.id));
		expect(room!.occupants).toBe(0);
	});

	it('a replayed admission key admits once', async () => {
		const s = await setting();
		const input = { ...person(), homeCommunityId: s.community.id, planId: s.plan.id, roomId: s.room.id };
		const a = await admit(s.staff, input);
		const b = await admit(s.staff, input);
		expect(a.ok && b.ok).toBe(true);
		if (!a.ok || !b.ok) return;
		expect(b).toMatchObject({ replayed: true, stayId: a.stayId });
		const stays = await tdb.db.select().from(t.stays).where(eq(t.stays.residentId, a.residentId));
		expect(stays).toHaveLength(1);
		// The code shown by the replay is the one that works.
		expect((await loginResident(tdb.db, { phone: input.phone, code: b.code }, { ip: '10.0.1.1' })).ok).toBe(
			true
		);
	});

	it('offers and takes only clean rooms with a free bed', async () => {
		const s = await setting();
		const dirty = await makeRoom(tdb.db, s.site.id, { status: 'needs_disinfection' });
		const options = await admissionOptions(s.staff);
		expect(options.rooms.map((r) => r.id)).toContain(s.room.id);
		expect(options.rooms.map((r) => r.id)).not.toContain(dirty.id);
		const r = await admit(s.staff, {
			...person(),
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: dirty.id
		});
		expect(r).toMatchObject({ ok: false, error: 'room_unavailable', field: 'roomId' });
	});

	it('keeps staff to their own sites, and clinicians to their communities', async () => {
		const s = await setting();
		const otherSite = await makeSite(tdb.db);
		const otherRoom = await makeRoom(tdb.db, otherSite.id);
		const r = await admit(s.staff, {
			...person(),
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: otherRoom.id
		});
		expect(r).toMatchObject({ ok: false, error: 'site_not_allowed' });
		const homePlan = await makePlan(tdb.db, 'ed9-home-7');
		const byStaff = await admit(s.staff, {
			...person(),
			homeCommunityId: s.community.id,
			planId: homePlan.id
		});
		expect(byStaff).toMatchObject({ ok: false, error: 'site_not_allowed' });
		const clinician: Principal = { ...s.staff, role: 'clinician', siteIds: [s.community.id] };
		const byClinician = await admit(clinician, {
			...person(),
			homeCommunityId: s.community.id,
			planId: homePlan.id
		});
		expect(byClinician.ok).toBe(true);
		if (byClinician.ok) {
			const [stay] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, byClinician.stayId));
			expect(stay).toMatchObject({ siteId: s.community.id, roomId: null });
		}
	});

	it('a centralised plan needs a room', async () => {
		const s = await setting();
		expect(
			await admit(s.staff, { ...person(), homeCommunityId: s.community.id, planId: s.plan.id, roomId: '' })
		).toMatchObject({
			ok: false,
			error: 'room_required'
		});
	});

	it('editing a plan changes new admissions and leaves existing stays as they were', async () => {
		const s = await setting();
		const before = await admit(s.staff, {
			...person(),
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: s.room.id
		});
		const longer = [{ ...s.plan.phases[0]!, days: 10 }, ...s.plan.phases.slice(1)];
		await tdb.db.update(t.plans).set({ phases: longer }).where(eq(t.plans.id, s.plan.id));
		const room2 = await makeRoom(tdb.db, s.site.id);
		const after = await admit(s.staff, {
			...person(),
			homeCommunityId: s.community.id,
			planId: s.plan.id,
			roomId: room2.id
		});
		if (!before.ok || !after.ok) throw new Error('admission failed');
		const [old] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, before.stayId));
		const [fresh] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, after.stayId));
		expect(old!.planPhases[0]!.days).toBe(7);
		expect(fresh!.planPhases[0]!.days).toBe(10);
		expect(fresh!.releaseDueAt.getTime() - fresh!.admittedAt.getTime()).toBe(13 * 86_400_000);
		expect(old!.releaseDueAt.getTime() - old!.admittedAt.getTime()).toBe(10 * 86_400_000);
	});

	it.skipIf(engine !== 'postgres')(
		'two staff admitting into the last free bed at once: one succeeds (PostgreSQL)',
		async () => {
			const s = await setting();
			const results = await Promise.all(
				[person(), person()].map((p) =>
					admit(s.staff, { ...p, homeCommunityId: s.community.id, planId: s.plan.id, roomId: s.room.id })
				)
			);
			expect(results.filter((r) => r.ok)).toHaveLength(1);
			expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: 'room_full', field: 'roomId' });
			const stays = await tdb.db.select().from(t.stays).where(eq(t.stays.roomId, s.room.id));
			expect(stays).toHaveLength(1);
			// The loser left nothing behind: no resident row without a stay.
			const loser = results.find((r) => !r.ok);
			expect(loser).toBeDefined();
		}
	);
});
