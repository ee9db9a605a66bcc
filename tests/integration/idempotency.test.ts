/**
 * Every create is recorded once per idempotency key: a replayed request answers as the first did, and
 * the same key sent twice at the same moment (a double tap, a retry racing its original) records once
 * and answers both as success. Replays and races covered elsewhere are not repeated here:
 * readings (readings.test.ts, device-api.test.ts), ward rounds (ward-round.test.ts), admissions,
 * calls and releases replayed one after the other (admission, follow-up and release tests).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { idCheckChar } from '../../src/lib/domain/id-number';
import { DAY_MS, HOUR_MS, schedule } from '../../src/lib/domain/plan';
import { admissionSchema } from '../../src/lib/schemas/admission';
import { callSchema } from '../../src/lib/schemas/call';
import { admit } from '../../src/lib/server/admission/admit';
import * as t from '../../src/lib/server/db/schema';
import { recordCall } from '../../src/lib/server/follow-up';
import { releaseStay } from '../../src/lib/server/stays';
import { recordResult, recordSample } from '../../src/lib/server/stays/tests';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import {
	makeGround,
	makePlan,
	makeResident,
	makeRoom,
	makeSite,
	makeStay,
	uniqueKey
} from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
const now = new Date('2026-11-24T04:00:00Z');

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db, 4);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士乙');
});
afterAll(async () => {
	await tdb?.destroy();
});

/** A stay in its own room that started `daysAgo` days before `now`. */
async function stayStarted(daysAgo: number, temps: number[] = []) {
	const room = await makeRoom(tdb.db, ground.site.id, { status: 'occupied' });
	const r = await makeResident(tdb.db, ground.community.id);
	const start = new Date(now.getTime() - daysAgo * DAY_MS);
	const sched = schedule(start, ground.plan.phases);
	const stay = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId: ground.site.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id,
			roomId: room.id
		},
		{ admittedAt: start, periodStart: start, releaseDueAt: sched.releaseAt }
	);
	for (const [i, temperature] of temps.entries())
		await tdb.db.insert(t.readings).values({
			stayId: stay.id,
			takenAt: new Date(now.getTime() - (i + 1) * 6 * HOUR_MS),
			slot: 'extra',
			slotDate: '2026-11-24',
			source: 'staff_round',
			temperature,
			idempotencyKey: uniqueKey('r')
		});
	return stay;
}

const sampleInput = (stayId: string) => ({
	stayId,
	phaseIndex: 0,
	phaseDay: 1,
	kind: 'nat' as const,
	idempotencyKey: uniqueKey('sample')
});

async function resultInput(testId: string) {
	const [row] = await tdb.db.select().from(t.tests).where(eq(t.tests.id, testId));
	return {
		testId,
		version: row!.version,
		result: 'negative' as const,
		ctN: null,
		ctOrf: null,
		idempotencyKey: uniqueKey('result')
	};
}

describe('tests: sampling and results, replayed', () => {
	it('a replayed sampling answers as the first and records one test', async () => {
		const stay = await stayStarted(0.5);
		const input = sampleInput(stay.id);
		const first = await recordSample(nurse, input, null, null, now);
		const again = await recordSample(nurse, input, null, null, now);
		expect(first).toMatchObject({ ok: true, replayed: false });
		expect(again).toMatchObject({ ok: true, replayed: true });
		if (first.ok && again.ok) expect(again.value.testId).toBe(first.value.testId);
		expect(await tdb.db.select().from(t.tests).where(eq(t.tests.stayId, stay.id))).toHaveLength(1);
	});

	it('a replayed result answers as the first and records one result event', async () => {
		const stay = await stayStarted(0.5);
		const sampled = await recordSample(nurse, sampleInput(stay.id), null, null, now);
		if (!sampled.ok) throw new Error('sampling failed');
		const input = await resultInput(sampled.value.testId);
		expect(await recordResult(nurse, input, null, null, now)).toMatchObject({ ok: true, replayed: false });
		expect(await recordResult(nurse, input, null, null, now)).toMatchObject({ ok: true, replayed: true });
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id));
		expect(events.map((e) => e.kind)).toEqual(['test_result']);
	});
});

describe.runIf(engine === 'postgres')('one key sent twice at the same moment (PostgreSQL)', () => {
	it('admission: one stay, and both requests told it was admitted', async () => {
		const first17 = '41081119900101777';
		const input = admissionSchema.parse({
			name: '并发入住',
			idType: 'resident_id',
			idNumber: first17 + idCheckChar(first17),
			phone: '13912345670',
			homeAddress: '焦作市山阳区测试路 9 号',
			homeCommunityId: ground.community.id,
			category: 'close_contact',
			planId: ground.plan.id,
			roomId: (await makeRoom(tdb.db, ground.site.id)).id,
			idempotencyKey: uniqueKey('adm')
		});
		const results = await Promise.all([admit(nurse, input, null, now), admit(nurse, input, null, now)]);
		expect(results.every((r) => r.ok)).toBe(true);
		const ids = results.map((r) => (r.ok ? r.stayId : ''));
		expect(ids[0]).toBe(ids[1]);
		const stays = await tdb.db.select().from(t.stays).where(eq(t.stays.idempotencyKey, input.idempotencyKey));
		expect(stays).toHaveLength(1);
	});

	it('call: one call and one reading, both requests told it was saved', async () => {
		const community = await makeSite(tdb.db, { kind: 'community' });
		const clinician = await makeStaff(tdb.db, 'clinician', [community.id]);
		const r = await makeResident(tdb.db, community.id);
		const admittedAt = new Date(now.getTime() - DAY_MS);
		const stay = await makeStay(
			tdb.db,
			{
				residentId: r.id,
				siteId: community.id,
				homeCommunityId: community.id,
				planId: (await makePlan(tdb.db, 'ed9-home-7')).id
			},
			{ admittedAt, periodStart: admittedAt }
		);
		const input = callSchema.parse({
			stayId: stay.id,
			outcome: 'reached',
			temperature: 36.7,
			idempotencyKey: uniqueKey('call')
		});
		const results = await Promise.all([
			recordCall(clinician, input, null, now),
			recordCall(clinician, input, null, now)
		]);
		expect(results.every((x) => x.ok)).toBe(true);
		expect(await tdb.db.select().from(t.calls).where(eq(t.calls.stayId, stay.id))).toHaveLength(1);
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stay.id))).toHaveLength(1);
	});

	it('test sampling and result: one of each, both requests told it was saved', async () => {
		const stay = await stayStarted(0.5);
		const input = sampleInput(stay.id);
		const samples = await Promise.all([
			recordSample(nurse, input, null, null, now),
			recordSample(nurse, input, null, null, now)
		]);
		expect(samples).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
		const tests = await tdb.db.select().from(t.tests).where(eq(t.tests.stayId, stay.id));
		expect(tests).toHaveLength(1);

		const result = await resultInput(tests[0]!.id);
		const results = await Promise.all([
			recordResult(nurse, result, null, null, now),
			recordResult(nurse, result, null, null, now)
		]);
		expect(results).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id));
		expect(events.map((e) => e.kind)).toEqual(['test_result']);
	});

	it('release: released once, both requests told it was released', async () => {
		// Past the plan's end, no test days left unsampled is not needed: the override path is the
		// simplest release that passes, and it is idempotent the same way.
		const stay = await stayStarted(11, [36.5, 36.6]);
		const admin = await makeStaff(tdb.db, 'admin');
		const input = {
			stayId: stay.id,
			version: stay.version,
			idempotencyKey: uniqueKey('rel'),
			override: true,
			overrideReason: '上级批准提前解除'
		};
		const results = await Promise.all([
			releaseStay(admin, input, null, null, now),
			releaseStay(admin, input, null, null, now)
		]);
		expect(results).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id));
		expect(events.map((e) => e.kind)).toEqual(['released']);
	});
});
