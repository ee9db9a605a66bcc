import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingSchema } from '../../src/lib/schemas/reading';
import { openDatabase, type Database } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import { recordReading } from '../../src/lib/server/readings/record';
import { runSchedulerTick } from '../../src/lib/server/scheduler';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
let second: Database;
let ground: Awaited<ReturnType<typeof makeGround>>;

beforeAll(async () => {
	tdb = await createTestDatabase();
	// A second server on the same data: a real second connection pool on PostgreSQL; PGlite is one process.
	second = engine === 'postgres' ? await openDatabase({ databaseUrl: tdb.url!, poolMax: 4 }) : tdb;
	ground = await makeGround(tdb.db);
});
afterAll(async () => {
	if (second && second !== tdb) await second.close();
	await tdb?.destroy();
});

const at = (iso: string) => new Date(iso);

async function stayAdmitted(admittedAt: string) {
	const r = await makeResident(tdb.db, ground.community.id, { birthDate: '1980-01-01' });
	const s = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId: ground.site.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		},
		{ admittedAt: at(admittedAt), periodStart: at(admittedAt) }
	);
	return s.id;
}

const alertsOf = (stayId: string, kind: (typeof t.alertKindEnum.enumValues)[number]) =>
	tdb.db
		.select()
		.from(t.alerts)
		.where(and(eq(t.alerts.stayId, stayId), eq(t.alerts.kind, kind)));

const activeMissed = async (stayId: string) =>
	(await alertsOf(stayId, 'missed_reading')).filter((a) => a.status !== 'resolved');

async function read(stayId: string, takenAt: string, over: Record<string, unknown> = {}) {
	return recordReading(
		null,
		readingSchema.parse({
			stayId,
			source: 'staff_round',
			takenAt,
			temperature: 36.6,
			idempotencyKey: uniqueKey('r'),
			...over
		}),
		null,
		at(takenAt)
	);
}

describe('the missed-reading scheduler', () => {
	let silent: string; // never reads
	let reader: string; // read this morning
	let late: string; // admitted after the morning deadline

	it('raises a warning for a slot without a reading by its deadline, and only for stays it was due', async () => {
		silent = await stayAdmitted('2026-11-23T20:00:00+08:00');
		reader = await stayAdmitted('2026-11-23T20:00:00+08:00');
		late = await stayAdmitted('2026-11-24T11:30:00+08:00');
		await read(reader, '2026-11-24T08:30:00+08:00');

		const before = await runSchedulerTick(tdb, at('2026-11-24T10:59:00+08:00'));
		expect(before.missed).toBe(0);

		const tick = await runSchedulerTick(tdb, at('2026-11-24T11:01:00+08:00'));
		expect(tick).toMatchObject({ ran: true, deadlines: 2, missed: 1 });
		const [alert] = await activeMissed(silent);
		expect(alert).toMatchObject({ severity: 'warning', status: 'open', triggerCount: 1 });
		expect(alert!.lastValue).toMatchObject({ slotDate: '2026-11-24', slot: 'morning' });
		expect(alert!.firstTriggeredAt.toISOString()).toBe('2026-11-24T03:00:00.000Z');
		expect(await activeMissed(reader)).toHaveLength(0);
		expect(await activeMissed(late)).toHaveLength(0);
	});

	it('does not raise the same slot twice on the next run', async () => {
		const again = await runSchedulerTick(tdb, at('2026-11-24T11:02:00+08:00'));
		expect(again.missed).toBe(0);
		expect(await alertsOf(silent, 'missed_reading')).toHaveLength(1);
	});

	it('two scheduler instances at once raise each missed slot once; a second miss in a row is critical', async () => {
		const now = at('2026-11-24T21:01:00+08:00');
		const results = await Promise.all([runSchedulerTick(tdb, now), runSchedulerTick(second, now)]);
		expect(results.reduce((n, r) => n + r.missed, 0)).toBe(3);

		const silentAlerts = await alertsOf(silent, 'missed_reading');
		expect(silentAlerts).toHaveLength(1);
		expect(silentAlerts[0]).toMatchObject({ severity: 'critical', status: 'open', triggerCount: 2 });
		for (const stayId of [reader, late]) {
			const alerts = await alertsOf(stayId, 'missed_reading');
			expect(alerts).toHaveLength(1);
			expect(alerts[0]).toMatchObject({ severity: 'warning', triggerCount: 1 });
		}
	});

	it('a late reading resolves the missed-reading alert by itself', async () => {
		const result = await read(silent, '2026-11-24T21:30:00+08:00');
		expect(result.ok && result.alerts).toEqual([
			expect.objectContaining({ kind: 'missed_reading', status: 'resolved' })
		]);
		const [alert] = await alertsOf(silent, 'missed_reading');
		expect(alert).toMatchObject({ status: 'resolved', outcome: 'late_reading' });
		expect(alert!.resolvedAt!.toISOString()).toBe('2026-11-24T13:30:00.000Z');
	});

	it('catches up after downtime: every slot missed while it was down, in order', async () => {
		const tick = await runSchedulerTick(tdb, at('2026-11-26T12:00:00+08:00'));
		// 25 morning, 25 evening, 26 morning, for the three stays of the site (the community has none).
		expect(tick.deadlines).toBe(6); // two sites
		expect(tick.missed).toBe(9);
		const active = await activeMissed(silent);
		expect(active).toHaveLength(1);
		expect(active[0]).toMatchObject({ severity: 'critical', triggerCount: 3 });
		expect(active[0]!.lastValue).toMatchObject({ slotDate: '2026-11-26', slot: 'morning', misses: 3 });
		// The resolved alert of the 24th stays resolved beside the new one.
		expect(await alertsOf(silent, 'missed_reading')).toHaveLength(2);
	});

	it('an ended stay is not due', async () => {
		await tdb.db
			.update(t.stays)
			.set({ status: 'released', outcomeAt: at('2026-11-26T12:30:00+08:00') })
			.where(eq(t.stays.id, late));
		const before = (await alertsOf(late, 'missed_reading'))[0]!.triggerCount;
		await runSchedulerTick(tdb, at('2026-11-26T21:00:00+08:00'));
		expect((await alertsOf(late, 'missed_reading'))[0]!.triggerCount).toBe(before);
	});
});

describe('escalation', () => {
	it('marks an open alert escalated 30 minutes after it opened, not an acknowledged one', async () => {
		const open = await stayAdmitted('2026-11-27T08:00:00+08:00');
		const acked = await stayAdmitted('2026-11-27T08:00:00+08:00');
		await read(open, '2026-11-27T09:00:00+08:00', { temperature: 38.2 });
		await read(acked, '2026-11-27T09:00:00+08:00', { temperature: 38.2 });
		await tdb.db
			.update(t.alerts)
			.set({ status: 'acknowledged', acknowledgedAt: at('2026-11-27T09:05:00+08:00') })
			.where(and(eq(t.alerts.stayId, acked), eq(t.alerts.kind, 'fever')));

		await runSchedulerTick(tdb, at('2026-11-27T09:29:59+08:00'));
		expect((await alertsOf(open, 'fever'))[0]!.escalatedAt).toBeNull();

		await runSchedulerTick(tdb, at('2026-11-27T09:30:00+08:00'));
		expect((await alertsOf(open, 'fever'))[0]!.escalatedAt?.toISOString()).toBe('2026-11-27T01:30:00.000Z');
		expect((await alertsOf(acked, 'fever'))[0]!.escalatedAt).toBeNull();
	});

	it('a rise that reopens an acknowledged alert restarts its escalation clock', async () => {
		const stayId = await stayAdmitted('2026-11-27T08:00:00+08:00');
		await read(stayId, '2026-11-27T09:40:00+08:00', { temperature: 38.0 });
		await tdb.db
			.update(t.alerts)
			.set({ status: 'acknowledged', acknowledgedAt: at('2026-11-27T09:45:00+08:00') })
			.where(and(eq(t.alerts.stayId, stayId), eq(t.alerts.kind, 'fever')));
		await read(stayId, '2026-11-27T10:20:00+08:00', { temperature: 39.4 });
		const [reopened] = await alertsOf(stayId, 'fever');
		expect(reopened).toMatchObject({ status: 'open', severity: 'critical' });
		expect(reopened!.openedAt.toISOString()).toBe('2026-11-27T02:20:00.000Z');

		await runSchedulerTick(tdb, at('2026-11-27T10:49:00+08:00'));
		expect((await alertsOf(stayId, 'fever'))[0]!.escalatedAt).toBeNull();
		await runSchedulerTick(tdb, at('2026-11-27T10:50:00+08:00'));
		expect((await alertsOf(stayId, 'fever'))[0]!.escalatedAt).not.toBeNull();
		const stays = await tdb.db
			.select()
			.from(t.alerts)
			.where(inArray(t.alerts.stayId, [stayId]));
		expect(stays).toHaveLength(1);
	});

	it('two servers ticking every minute at their own moments do the work once a minute in total', async () => {
		const minute = 60_000;
		const gap = { deliveryOverdueHours: 24, minGapMs: minute * 0.9 };
		// Server A at :00 of each minute, server B at :30: B's ticks find A's run too recent and skip.
		const a1 = await runSchedulerTick(tdb, at('2026-11-28T10:00:00+08:00'), gap);
		const b1 = await runSchedulerTick(second, at('2026-11-28T10:00:30+08:00'), gap);
		const a2 = await runSchedulerTick(tdb, at('2026-11-28T10:01:00+08:00'), gap);
		const b2 = await runSchedulerTick(second, at('2026-11-28T10:01:30+08:00'), gap);
		expect([a1.ran, b1.ran, a2.ran, b2.ran]).toEqual([true, false, true, false]);
		// When A stops, B takes over at its next tick.
		const b3 = await runSchedulerTick(second, at('2026-11-28T10:02:30+08:00'), gap);
		expect(b3.ran).toBe(true);
	});
});
