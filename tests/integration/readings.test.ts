import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingSchema, type ReadingInput } from '../../src/lib/schemas/reading';
import { recordReading } from '../../src/lib/server/readings/record';
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

async function stay(over: Partial<typeof t.residents.$inferInsert> = {}) {
	const g = await makeGround(tdb.db);
	const r = await makeResident(tdb.db, g.community.id, { birthDate: '1980-05-05', ...over });
	const s = await makeStay(tdb.db, {
		residentId: r.id,
		siteId: g.community.id,
		homeCommunityId: g.community.id,
		planId: g.plan.id
	});
	return s.id;
}

const reading = (stayId: string, over: Partial<ReadingInput> = {}) =>
	readingSchema.parse({
		stayId,
		source: 'staff_round',
		takenAt: '2026-11-24T08:30:00+08:00',
		idempotencyKey: uniqueKey('r'),
		...over
	});

const activeAlerts = (stayId: string) =>
	tdb.db
		.select()
		.from(t.alerts)
		.where(and(eq(t.alerts.stayId, stayId)));

describe('recording readings', () => {
	it('37.2 raises nothing; 37.3 raises one fever warning; the slot comes from the site zone', async () => {
		const s = await stay();
		const a = await recordReading(null, reading(s, { temperature: 37.2 }));
		expect(a).toMatchObject({ ok: true, alerts: [] });
		if (a.ok) expect(a.reading).toMatchObject({ slot: 'morning', slotDate: '2026-11-24', temperature: 37.2 });
		const b = await recordReading(
			null,
			reading(s, { temperature: 37.3, takenAt: '2026-11-24T19:00:00+08:00' })
		);
		expect(b).toMatchObject({
			ok: true,
			alerts: [{ kind: 'fever', severity: 'warning', status: 'open', notify: true }]
		});
		if (b.ok) expect(b.reading.slot).toBe('evening');
	});

	it('keeps one active alert per kind: repeats update it, a rise to critical reopens and notifies again', async () => {
		const s = await stay();
		await recordReading(null, reading(s, { temperature: 37.8 }));
		const again = await recordReading(
			null,
			reading(s, { temperature: 37.9, takenAt: '2026-11-24T19:00:00+08:00' })
		);
		expect(again.ok && again.alerts[0]).toMatchObject({ severity: 'warning', notify: false });
		let rows = await activeAlerts(s);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ triggerCount: 2, lastValue: { temperature: 37.9 } });

		await tdb.db
			.update(t.alerts)
			.set({ status: 'acknowledged', acknowledgedAt: new Date() })
			.where(eq(t.alerts.id, rows[0]!.id));
		const rise = await recordReading(
			null,
			reading(s, { temperature: 39.2, takenAt: '2026-11-25T08:00:00+08:00' })
		);
		expect(rise.ok && rise.alerts[0]).toMatchObject({
			kind: 'fever',
			severity: 'critical',
			status: 'open',
			notify: true
		});
		rows = await activeAlerts(s);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ severity: 'critical', status: 'open', triggerCount: 3 });

		// Back to a lower fever: the severity stays the highest seen while active.
		await recordReading(null, reading(s, { temperature: 37.6, takenAt: '2026-11-25T19:00:00+08:00' }));
		expect((await activeAlerts(s))[0]).toMatchObject({ severity: 'critical', triggerCount: 4 });
	});

	it('scores NEWS2 on a complete set and raises the alerts it implies', async () => {
		const s = await stay();
		const r = await recordReading(
			null,
			reading(s, {
				temperature: 38.4,
				spo2: 92,
				pulse: 112,
				respRate: 23,
				systolicBp: 105,
				consciousness: 'A'
			})
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		// resp 23 → 2, SpO2 92 → 2, pulse 112 → 2, systolic 105 → 1, temperature 38.4 → 1, alert, air: 8
		expect(r.news2).toEqual({ total: 8, anySingle3: false, risk: 'high' });
		expect(r.reading.news2Total).toBe(8);
		expect(r.alerts.map((a) => [a.kind, a.severity]).sort()).toEqual([
			['fever', 'warning'],
			['hypoxia', 'critical'],
			['news2', 'critical']
		]);
	});

	it('uses the resident’s SpO2 scale 2: 88 is their target, 85 is critical', async () => {
		const s = await stay({ spo2Scale: 2 });
		expect(await recordReading(null, reading(s, { spo2: 88 }))).toMatchObject({ ok: true, alerts: [] });
		const low = await recordReading(null, reading(s, { spo2: 85, takenAt: '2026-11-24T19:00:00+08:00' }));
		expect(low.ok && low.alerts).toMatchObject([{ kind: 'hypoxia', severity: 'critical' }]);
	});

	it('a symptom is new only when no reading of the day before named it, whatever readings came between', async () => {
		const s = await stay();
		const cough = await recordReading(null, reading(s, { temperature: 36.8, symptoms: ['dry_cough'] }));
		expect(cough.ok && cough.alerts.map((a) => a.kind)).toEqual(['symptom']);
		// A thermometer reading with no symptom list, then the cough again: still the same cough.
		await recordReading(null, reading(s, { temperature: 36.7, takenAt: '2026-11-24T12:00:00+08:00' }));
		const same = await recordReading(
			null,
			reading(s, { temperature: 36.9, symptoms: ['dry_cough'], takenAt: '2026-11-24T19:00:00+08:00' })
		);
		expect(same.ok && same.alerts).toEqual([]);
		// A sore throat beside it is new; and a cough back after more than a day without one is new again.
		const throat = await recordReading(
			null,
			reading(s, { symptoms: ['dry_cough', 'sore_throat'], takenAt: '2026-11-25T08:00:00+08:00' })
		);
		expect(throat.ok && throat.alerts[0]?.kind).toBe('symptom');
		const later = await recordReading(
			null,
			reading(s, { symptoms: ['dry_cough'], takenAt: '2026-11-26T19:00:00+08:00' })
		);
		expect(later.ok && later.alerts[0]?.kind).toBe('symptom');
		const rows = await activeAlerts(s);
		expect(rows.filter((a) => a.kind === 'symptom')[0]?.lastValue).toMatchObject({ new: ['dry_cough'] });
	});

	it('records once per key, and refuses the key with another body', async () => {
		const s = await stay();
		const input = reading(s, { temperature: 36.8 });
		const first = await recordReading(null, input);
		const second = await recordReading(null, input);
		expect(second).toMatchObject({ ok: true, replayed: true });
		if (first.ok && second.ok) expect(second.reading.id).toBe(first.reading.id);
		expect(await recordReading(null, { ...input, temperature: 36.9 })).toEqual({
			ok: false,
			error: 'key_conflict'
		});
		const rows = await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, s));
		expect(rows).toHaveLength(1);
	});

	it('refuses a reading for an ended stay and changes nothing', async () => {
		const s = await stay();
		await tdb.db.update(t.stays).set({ status: 'released', outcomeAt: new Date() }).where(eq(t.stays.id, s));
		expect(await recordReading(null, reading(s, { temperature: 38 }))).toEqual({
			ok: false,
			error: 'stay_ended'
		});
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, s))).toHaveLength(0);
	});

	it('refuses out-of-range values naming the range, and an empty reading', () => {
		const bad = readingSchema.safeParse({
			stayId: crypto.randomUUID(),
			source: 'phone',
			temperature: 45.1,
			idempotencyKey: uniqueKey()
		});
		expect(bad.success).toBe(false);
		if (!bad.success)
			expect(bad.error.issues[0]).toMatchObject({ path: ['temperature'], message: 'range_30_45' });
		const empty = readingSchema.safeParse({
			stayId: crypto.randomUUID(),
			source: 'phone',
			idempotencyKey: uniqueKey()
		});
		expect(empty.success).toBe(false);
		const offsetless = readingSchema.safeParse({
			stayId: crypto.randomUUID(),
			source: 'device',
			temperature: 36.5,
			takenAt: '2026-11-24T08:00:00',
			idempotencyKey: uniqueKey()
		});
		expect(offsetless.success).toBe(false);
	});

	it.skipIf(engine !== 'postgres')(
		'one key sent twice at the same moment records once (PostgreSQL)',
		async () => {
			const s = await stay();
			const input = reading(s, { temperature: 38.1 });
			const results = await Promise.all([
				recordReading(null, input),
				recordReading(null, input),
				recordReading(null, input)
			]);
			expect(results.every((r) => r.ok)).toBe(true);
			expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, s))).toHaveLength(1);
			expect(await activeAlerts(s)).toHaveLength(1);
		}
	);

	it.skipIf(engine !== 'postgres')(
		'two different fever readings at the same moment share one alert (PostgreSQL)',
		async () => {
			const s = await stay();
			await Promise.all([
				recordReading(null, reading(s, { temperature: 37.9 })),
				recordReading(null, reading(s, { temperature: 39.5, takenAt: '2026-11-24T09:00:00+08:00' }))
			]);
			const rows = await activeAlerts(s);
			expect(rows).toHaveLength(1);
			expect(rows[0]).toMatchObject({ severity: 'critical', triggerCount: 2 });
		}
	);
});
