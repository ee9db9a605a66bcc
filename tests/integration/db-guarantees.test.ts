/**
 * The guarantees the database keeps by itself (DESIGN §6), whatever code writes to it: room capacity,
 * one active stay per resident, unique idempotency keys, reading ranges, append-only history and audit.
 */
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

/** The error a failed statement raised, with drizzle's wrapper unwrapped to the driver's error. */
async function failure(
	p: Promise<unknown>
): Promise<{ code?: string; constraint?: string; message: string }> {
	try {
		await p;
	} catch (e) {
		const err = e as { cause?: unknown; message: string };
		const inner = (err.cause ?? err) as {
			code?: string;
			constraint?: string;
			constraint_name?: string;
			message: string;
		};
		return {
			code: inner.code,
			constraint: inner.constraint ?? inner.constraint_name,
			message: inner.message
		};
	}
	throw new Error('expected the statement to fail, but it succeeded');
}

describe('room capacity', () => {
	it('refuses a second active stay in a single room and counts occupants', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 1);
		const a = await makeResident(db, g.community.id);
		const b = await makeResident(db, g.community.id);
		const refs = { siteId: g.site.id, homeCommunityId: g.community.id, planId: g.plan.id, roomId: g.room.id };
		await makeStay(db, { ...refs, residentId: a.id });
		const err = await failure(makeStay(db, { ...refs, residentId: b.id }));
		expect(err.code).toBe('23514');
		expect(err.constraint).toBe('rooms_occupants_check');
		const [room] = await db.select().from(t.rooms).where(eq(t.rooms.id, g.room.id));
		expect(room!.occupants).toBe(1);
		const stays = await db.select().from(t.stays).where(eq(t.stays.roomId, g.room.id));
		expect(stays).toHaveLength(1);
	});

	it('takes two in a family room, and frees the bed when a stay ends or moves', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 2);
		const refs = { siteId: g.site.id, homeCommunityId: g.community.id, planId: g.plan.id, roomId: g.room.id };
		const s1 = await makeStay(db, { ...refs, residentId: (await makeResident(db, g.community.id)).id });
		await makeStay(db, { ...refs, residentId: (await makeResident(db, g.community.id)).id });
		const third = await makeResident(db, g.community.id);
		expect((await failure(makeStay(db, { ...refs, residentId: third.id }))).constraint).toBe(
			'rooms_occupants_check'
		);

		await db.update(t.stays).set({ status: 'released', outcomeAt: new Date() }).where(eq(t.stays.id, s1.id));
		await makeStay(db, { ...refs, residentId: third.id });
		const [room] = await db.select().from(t.rooms).where(eq(t.rooms.id, g.room.id));
		expect(room!.occupants).toBe(2);
	});

	it('refuses to shrink a room below the residents in it', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 2);
		const refs = { siteId: g.site.id, homeCommunityId: g.community.id, planId: g.plan.id, roomId: g.room.id };
		await makeStay(db, { ...refs, residentId: (await makeResident(db, g.community.id)).id });
		await makeStay(db, { ...refs, residentId: (await makeResident(db, g.community.id)).id });
		const err = await failure(db.update(t.rooms).set({ capacity: 1 }).where(eq(t.rooms.id, g.room.id)));
		expect(err.constraint).toBe('rooms_occupants_check');
	});

	it.skipIf(engine !== 'postgres')(
		'lets exactly one of two concurrent admissions take the last bed (PostgreSQL)',
		async () => {
			const db = tdb.db;
			const g = await makeGround(db, 1);
			const a = await makeResident(db, g.community.id);
			const b = await makeResident(db, g.community.id);
			// Two separate connections, each in its own transaction, released together.
			const c1 = postgres(tdb.url!, { max: 1, onnotice: () => {} });
			const c2 = postgres(tdb.url!, { max: 1, onnotice: () => {} });
			const insert = (c: postgres.Sql, residentId: string) =>
				c.begin(async (tx) => {
					await tx`select pg_sleep(0.05)`;
					await tx`insert into stays (resident_id, site_id, room_id, home_community_id, plan_id, plan_phases,
						plan_counts_from, category, admitted_at, period_start, release_due_at, idempotency_key)
						values (${residentId}, ${g.site.id}, ${g.room.id}, ${g.community.id}, ${g.plan.id},
						${tx.json(g.plan.phases as never)}, 'admission', 'close_contact', now(), now(), now() + interval '10 days',
						${uniqueKey('race')})`;
					await tx`select pg_sleep(0.2)`;
				});
			const results = await Promise.allSettled([insert(c1, a.id), insert(c2, b.id)]);
			await Promise.all([c1.end(), c2.end()]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
			expect((rejected.reason as { constraint_name?: string }).constraint_name).toBe('rooms_occupants_check');
			const stays = await db.select().from(t.stays).where(eq(t.stays.roomId, g.room.id));
			expect(stays).toHaveLength(1);
		}
	);
});

describe('one active stay per resident', () => {
	it('refuses a second active stay and allows a new one after the first ends', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 1);
		const r = await makeResident(db, g.community.id);
		const home = {
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			residentId: r.id
		};
		const first = await makeStay(db, home);
		const err = await failure(makeStay(db, home));
		expect(err.code).toBe('23505');
		expect(err.constraint).toBe('stays_one_active_per_resident');

		await db
			.update(t.stays)
			.set({ status: 'released', outcomeAt: new Date() })
			.where(eq(t.stays.id, first.id));
		const second = await makeStay(db, home);
		expect(second.status).toBe('active');
	});

	it('refuses an ended stay without an outcome time', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 1);
		const r = await makeResident(db, g.community.id);
		const s = await makeStay(db, {
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			residentId: r.id
		});
		const err = await failure(db.update(t.stays).set({ status: 'released' }).where(eq(t.stays.id, s.id)));
		expect(err.constraint).toBe('stays_outcome_check');
	});
});

describe('readings', () => {
	async function ground() {
		const db = tdb.db;
		const g = await makeGround(db, 1);
		const r = await makeResident(db, g.community.id);
		const s = await makeStay(db, {
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			residentId: r.id
		});
		return { db, stayId: s.id };
	}
	const base = (stayId: string) => ({
		stayId,
		takenAt: new Date(),
		slot: 'morning' as const,
		slotDate: '2026-11-24',
		source: 'staff_round' as const,
		temperature: 36.6,
		idempotencyKey: uniqueKey('reading')
	});

	it('records a reading once per idempotency key', async () => {
		const { db, stayId } = await ground();
		const reading = base(stayId);
		await db.insert(t.readings).values(reading);
		const err = await failure(db.insert(t.readings).values({ ...reading, temperature: 37.0 }));
		expect(err.code).toBe('23505');
		expect(err.constraint).toBe('readings_idempotency_key');
		const rows = await db.select().from(t.readings).where(eq(t.readings.stayId, stayId));
		expect(rows).toHaveLength(1);
		expect(rows[0]!.temperature).toBe(36.6);
	});

	it.each([
		['temperature', { temperature: 45.1 }, 'readings_temperature_range'],
		['temperature', { temperature: 29.9 }, 'readings_temperature_range'],
		['spo2', { spo2: 101 }, 'readings_spo2_range'],
		['pulse', { pulse: 19 }, 'readings_pulse_range'],
		['respiration', { respRate: 81 }, 'readings_resp_rate_range'],
		['systolic', { systolicBp: 301 }, 'readings_systolic_range'],
		['diastolic', { diastolicBp: 19 }, 'readings_diastolic_range'],
		['consciousness', { consciousness: 'X' }, 'readings_consciousness_check'],
		['symptoms', { symptoms: ['headache'] }, 'readings_symptoms_check'],
		['empty', { temperature: null }, 'readings_has_value_check']
	])('refuses an out-of-range %s', async (_name, over, constraint) => {
		const { db, stayId } = await ground();
		const err = await failure(db.insert(t.readings).values({ ...base(stayId), ...over }));
		expect(err.code).toBe('23514');
		expect(err.constraint).toBe(constraint);
	});

	it('accepts the edges of every range', async () => {
		const { db, stayId } = await ground();
		await db.insert(t.readings).values([
			{
				...base(stayId),
				temperature: 30.0,
				spo2: 40,
				pulse: 20,
				respRate: 4,
				systolicBp: 40,
				diastolicBp: 20
			},
			{
				...base(stayId),
				temperature: 45.0,
				spo2: 100,
				pulse: 250,
				respRate: 80,
				systolicBp: 300,
				diastolicBp: 200
			}
		]);
		const rows = await db.select().from(t.readings).where(eq(t.readings.stayId, stayId));
		expect(rows.map((r) => r.temperature).sort()).toEqual([30, 45]);
	});
});

describe('append-only history and audit', () => {
	it('refuses to change or delete stay events', async () => {
		const db = tdb.db;
		const g = await makeGround(db, 1);
		const r = await makeResident(db, g.community.id);
		const s = await makeStay(db, {
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			residentId: r.id
		});
		const [ev] = await db
			.insert(t.stayEvents)
			.values({ stayId: s.id, kind: 'admitted', occurredAt: new Date(), siteId: g.community.id })
			.returning();
		expect(
			(await failure(db.update(t.stayEvents).set({ kind: 'released' }).where(eq(t.stayEvents.id, ev!.id))))
				.code
		).toBe('42501');
		expect((await failure(db.delete(t.stayEvents).where(eq(t.stayEvents.id, ev!.id)))).code).toBe('42501');
		expect((await failure(db.execute(sql`truncate stay_events cascade`))).code).toBe('42501');
		const rows = await db.select().from(t.stayEvents).where(eq(t.stayEvents.id, ev!.id));
		expect(rows[0]!.kind).toBe('admitted');
	});

	it('refuses to change or delete audit rows', async () => {
		const db = tdb.db;
		const [row] = await db
			.insert(t.auditLog)
			.values({ action: 'view', entity: 'resident', entityId: 'x', after: { phone: '138****5678' } })
			.returning();
		expect(
			(await failure(db.update(t.auditLog).set({ action: 'edit' }).where(eq(t.auditLog.id, row!.id)))).code
		).toBe('42501');
		expect((await failure(db.delete(t.auditLog).where(eq(t.auditLog.id, row!.id)))).code).toBe('42501');
		const rows = await db.select().from(t.auditLog).where(eq(t.auditLog.id, row!.id));
		expect(rows[0]!.action).toBe('view');
	});
});
