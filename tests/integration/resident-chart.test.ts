import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { buildChartSeries } from '../../src/lib/domain/chart-series';
import { readingSchema } from '../../src/lib/schemas/reading';
import { alertsOfStay, resolve } from '../../src/lib/server/alerts';
import * as t from '../../src/lib/server/db/schema';
import { recordReading } from '../../src/lib/server/readings/record';
import { viewResident } from '../../src/lib/server/residents';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let nurse: Principal;
let residentId: string;
let stayId: string;
const now = new Date();
const HOUR = 3_600_000;
const admittedAt = new Date(now.getTime() - 10 * 24 * HOUR);

beforeAll(async () => {
	tdb = await createTestDatabase();
	const g = await makeGround(tdb.db);
	// This site raises fevers from 37.5 °C; the resident is on SpO2 scale 2.
	await tdb.db
		.update(t.sites)
		.set({ settings: { thresholds: { fever: 37.5 } } })
		.where(eq(t.sites.id, g.site.id));
	nurse = await makeStaff(tdb.db, 'site_staff', [g.site.id]);
	const r = await makeResident(tdb.db, g.community.id, { birthDate: '1960-05-05', spo2Scale: 2 });
	residentId = r.id;
	const s = await makeStay(
		tdb.db,
		{ residentId: r.id, siteId: g.site.id, homeCommunityId: g.community.id, planId: g.plan.id },
		{ admittedAt, periodStart: admittedAt }
	);
	stayId = s.id;
});
afterAll(async () => {
	await tdb?.destroy();
});

async function read(takenAt: Date, values: Record<string, unknown>) {
	const result = await recordReading(
		nurse,
		readingSchema.parse({
			stayId,
			source: 'staff_round',
			takenAt: takenAt.toISOString(),
			idempotencyKey: uniqueKey('r'),
			...values
		})
	);
	if (!result.ok) throw new Error(result.error);
	return result;
}

describe("the resident page's charts and alerts", () => {
	it('hand over every reading of the stay with the site zone, its thresholds and the resident scale', async () => {
		// 16 readings, more than the page used to list, every 12 hours from day 2.
		for (let i = 0; i < 16; i++)
			await read(new Date(admittedAt.getTime() + (30 + i * 12) * HOUR), { temperature: 36.6, spo2: 90 });
		const record = await viewResident(nurse, residentId, '10.9.0.1', now);
		expect(record?.readings).toHaveLength(16);
		expect(record?.chart).toMatchObject({
			stayId,
			timeZone: 'Asia/Shanghai',
			from: admittedAt,
			to: now,
			spo2Scale: 2
		});
		expect(record!.chart!.thresholds.fever).toBe(37.5);

		const series = buildChartSeries({ ...record!.chart!, readings: record!.readings });
		expect(series.temperature.count).toBe(16);
		expect(series.temperature.lines).toEqual([{ id: 'fever', value: 37.5 }]);
		// 90 % is fine on scale 2 (its lines are 87 and 85).
		expect(series.spo2.lines.map((l) => l.value)).toEqual([87, 85]);
		expect(series.spo2.abnormal).toBe(0);
		// Nothing was read on the first day, so its slots are missed; no slot before the admission is.
		expect(series.missed.length).toBeGreaterThan(0);
		expect(series.missed.every((m) => m.deadline > admittedAt && m.deadline <= now)).toBe(true);
	});

	it('lists the stay alerts with the active ones first', async () => {
		const hypoxia = await read(new Date(now.getTime() - 5 * HOUR), { spo2: 84 });
		const fever = await read(new Date(now.getTime() - 2 * HOUR), { temperature: 37.8 });
		const feverId = fever.alerts.find((a) => a.kind === 'fever')!.id;
		expect(hypoxia.alerts.map((a) => a.kind)).toContain('hypoxia');
		const done = await resolve(nurse, { alertId: feverId, outcome: 'rechecked_normal', note: '' });
		expect(done.ok).toBe(true);

		const list = await alertsOfStay(stayId);
		expect(list.map((a) => [a.kind, a.status])).toEqual([
			['hypoxia', 'open'],
			['fever', 'resolved']
		]);
		expect(list[1]!.outcome).toBe('rechecked_normal');
	});
});
