import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { DAY_MS, HOUR_MS, schedule } from '../../src/lib/domain/plan';
import * as t from '../../src/lib/server/db/schema';
import { checklistFor, recordResult, recordSample, testSchedule, testsDue } from '../../src/lib/server/stays';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
// 2026-11-24 12:00 in Shanghai.
const now = new Date('2026-11-24T04:00:00Z');

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id]);
});
afterAll(async () => {
	await tdb?.destroy();
});

/** A 7+3 stay that began `hoursAgo` hours before now. */
async function stay(hoursAgo: number) {
	const r = await makeResident(tdb.db, ground.community.id);
	const start = new Date(now.getTime() - hoursAgo * HOUR_MS);
	const s = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId: ground.site.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		},
		{ admittedAt: start, periodStart: start, releaseDueAt: schedule(start, ground.plan.phases).releaseAt }
	);
	return { stay: s, residentId: r.id };
}

const sample = (stayId: string, phaseIndex: number, phaseDay: number, at = now) =>
	recordSample(
		nurse,
		{ stayId, phaseIndex, phaseDay, kind: 'nat', idempotencyKey: uniqueKey('s') },
		null,
		null,
		at
	);

async function resultOf(
	testId: string,
	result: 'negative' | 'positive' | 'invalid',
	ct: { ctN?: number } = {}
) {
	const [row] = await tdb.db.select().from(t.tests).where(eq(t.tests.id, testId));
	return recordResult(
		nurse,
		{
			testId,
			version: row!.version,
			result,
			ctN: ct.ctN ?? null,
			ctOrf: null,
			idempotencyKey: uniqueKey('res')
		},
		null,
		null,
		now
	);
}

describe('tests', () => {
	it('schedules the plan’s test days per phase, each not sampled until recorded', async () => {
		const { residentId } = await stay(30);
		const s = (await testSchedule(residentId))!;
		expect(s.tests.map((x) => [x.phaseIndex, x.day, x.state])).toEqual([
			[0, 1, 'not_sampled'],
			[0, 2, 'not_sampled'],
			[0, 3, 'not_sampled'],
			[0, 5, 'not_sampled'],
			[0, 7, 'not_sampled'],
			[1, 3, 'not_sampled']
		]);
	});

	it('records sampling then a negative result, once; a pending test blocks release', async () => {
		const { stay: s, residentId } = await stay(2);
		const sampled = await sample(s.id, 0, 1);
		expect(sampled.ok).toBe(true);
		expect(await sample(s.id, 0, 1)).toEqual({ ok: false, error: 'already_sampled' });
		expect((await testSchedule(residentId))!.tests[0]!.state).toBe('no_result');
		const blocks = (await checklistFor(s.id, now))!.criteria.find((c) => c.criterion === 'tests')!.blocks;
		expect(blocks[0]).toEqual({ code: 'test_no_result', test: { phaseIndex: 0, day: 1 } });

		const testId = sampled.ok ? sampled.value.testId : '';
		expect(await resultOf(testId, 'negative')).toMatchObject({ ok: true, value: { positive: false } });
		expect(await resultOf(testId, 'negative')).toMatchObject({ ok: false, error: 'already_resulted' });
		expect((await testSchedule(residentId))!.tests[0]!.state).toBe('negative');
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, s.id));
		expect(events.map((e) => e.kind)).toEqual(['test_result']);
	});

	it('an invalid result asks for a resample of the same day', async () => {
		const { stay: s, residentId } = await stay(2);
		const first = await sample(s.id, 0, 1);
		await resultOf(first.ok ? first.value.testId : '', 'invalid');
		expect((await testSchedule(residentId))!.tests[0]!.state).toBe('invalid');
		const again = await sample(s.id, 0, 1);
		expect(again.ok).toBe(true);
		await resultOf(again.ok ? again.value.testId : '', 'negative');
		const day1 = (await testSchedule(residentId))!.tests[0]!;
		expect([day1.state, day1.attempts]).toEqual(['negative', 2]);
	});

	it('a positive result raises a critical positive_test alert', async () => {
		const { stay: s } = await stay(2);
		const x = await sample(s.id, 0, 1);
		expect(await resultOf(x.ok ? x.value.testId : '', 'positive')).toMatchObject({
			ok: true,
			value: { positive: true }
		});
		const [alert] = await tdb.db
			.select()
			.from(t.alerts)
			.where(and(eq(t.alerts.stayId, s.id), eq(t.alerts.kind, 'positive_test')));
		expect(alert).toMatchObject({ severity: 'critical', status: 'open' });
	});

	it('a "negative" with a Ct below 35 counts as positive and raises the alert', async () => {
		const { stay: s } = await stay(2);
		const x = await sample(s.id, 0, 1);
		expect(await resultOf(x.ok ? x.value.testId : '', 'negative', { ctN: 33.5 })).toMatchObject({
			ok: true,
			value: { positive: true }
		});
		const alerts = await tdb.db.select().from(t.alerts).where(eq(t.alerts.stayId, s.id));
		expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['positive_test', 'critical']]);
	});

	it('refuses a day the plan does not schedule', async () => {
		const { stay: s } = await stay(2);
		expect(await sample(s.id, 0, 4)).toEqual({ ok: false, error: 'not_scheduled' });
	});

	it('lists the tests due today at the site, overdue ones first, not those done', async () => {
		const site = await makeGround(tdb.db);
		const mk = async (hoursAgo: number) => {
			const r = await makeResident(tdb.db, site.community.id);
			const start = new Date(now.getTime() - hoursAgo * HOUR_MS);
			return makeStay(
				tdb.db,
				{ residentId: r.id, siteId: site.site.id, homeCommunityId: site.community.id, planId: site.plan.id },
				{ admittedAt: start, periodStart: start, releaseDueAt: schedule(start, site.plan.phases).releaseAt }
			);
		};
		// Day 1 began 2 hours ago: due today.
		const fresh = await mk(2);
		// Day 4 now (no test); day 3 ended without a test: overdue. Days 1 and 2 done.
		const older = await mk(3 * 24 + 2);
		for (const day of [1, 2]) {
			const x = await sample(older.id, 0, day, new Date(now.getTime() - (4 - day) * DAY_MS));
			await resultOf(x.ok ? x.value.testId : '', 'negative');
		}
		const due = (await testsDue(site.site.id, now))!;
		expect(due.rows.map((r) => [r.stayId === fresh.id ? 'fresh' : 'older', r.day, r.overdue])).toEqual([
			['older', 3, true],
			['fresh', 1, false]
		]);
	});
});
