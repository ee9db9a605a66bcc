import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import type { RoundRow } from '../../src/lib/schemas/round';
import * as t from '../../src/lib/server/db/schema';
import { roundSheet, saveRound } from '../../src/lib/server/round';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeSite, makeStay, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

/** 08:30 in Shanghai: the morning slot. */
const NOW = new Date('2026-11-24T00:30:00Z');

const staffOf = (...siteIds: string[]): Principal => ({
	userId: null as unknown as string,
	role: 'site_staff',
	siteIds,
	residentId: null,
	readOnly: false
});

/** A centralised site with `n` occupied rooms on two floors, walked in the order given by walkOrder. */
async function ward(n: number) {
	const g = await makeGround(tdb.db);
	const stays: { id: string; room: string }[] = [];
	for (let i = 0; i < n; i++) {
		const floor = i < n / 2 ? 2 : 3;
		const room = await makeRoom(tdb.db, g.site.id, {
			floor,
			building: 'A',
			number: `${floor}${String(i).padStart(2, '0')}-${uniqueKey('r').slice(-4)}`,
			// Reversed, so walking order and insertion order differ.
			walkOrder: n - i
		});
		const r = await makeResident(tdb.db, g.community.id, { birthDate: '1980-05-05' });
		const s = await makeStay(tdb.db, {
			residentId: r.id,
			siteId: g.site.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			roomId: room.id
		});
		stays.push({ id: s.id, room: room.number });
	}
	return { ...g, stays };
}

const row = (stayId: string, over: Partial<RoundRow> = {}): RoundRow => ({
	stayId,
	temperature: '',
	spo2: '',
	symptoms: [],
	door: false,
	confirmRare: false,
	...over
});

const readingsOf = (ids: string[]) => tdb.db.select().from(t.readings).where(inArray(t.readings.stayId, ids));

describe('the round sheet', () => {
	it('lists every resident of the chosen floors in walking order, and marks rows done this slot', async () => {
		const w = await ward(6);
		const sheet = await roundSheet(w.site.id, {}, NOW);
		expect(sheet).not.toBeNull();
		expect(sheet!.slot).toBe('morning');
		// The ground's own room (no building) is a floor of its own.
		expect(sheet!.floors.map((f) => f.key)).toEqual([':2', 'A:2', 'A:3']);
		// Floor 2 first; within a floor, walking order (reversed insertion).
		expect(sheet!.rows.map((r) => r.stayId)).toEqual([
			w.stays[2]!.id,
			w.stays[1]!.id,
			w.stays[0]!.id,
			w.stays[5]!.id,
			w.stays[4]!.id,
			w.stays[3]!.id
		]);
		expect(sheet!.rows[0]!.initials).toMatch(/^测\*$/);

		await saveRound(
			staffOf(w.site.id),
			{
				siteId: w.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [row(w.stays[5]!.id, { temperature: '36.6', spo2: '98' })]
			},
			null,
			NOW
		);
		const floor3 = await roundSheet(w.site.id, { floors: ['A:3'] }, NOW);
		expect(floor3!.rows.map((r) => r.stayId)).toEqual([w.stays[5]!.id, w.stays[4]!.id, w.stays[3]!.id]);
		expect(floor3!.rows[0]!.done).toMatchObject({ temperature: 36.6, spo2: 98 });
		expect(floor3!.rows[1]!.done).toBeNull();
		const evening = await roundSheet(w.site.id, { floors: ['A:3'], slot: 'evening' }, NOW);
		expect(evening!.rows[0]!.done).toBeNull();
		expect(evening!.rows[0]!.last).toMatchObject({ temperature: 36.6 });
	});

	it('has no sheet for a community', async () => {
		const community = await makeSite(tdb.db, { kind: 'community' });
		expect(await roundSheet(community.id, {}, NOW)).toBeNull();
	});
});

describe('saving a round', () => {
	it('a 50-row round with 3 bad rows saves 47 and reports the 3 with their fields', async () => {
		const w = await ward(50);
		const rows = w.stays.map((s, i) =>
			row(s.id, { temperature: (36 + (i % 10) / 10).toFixed(1), spo2: '97' })
		);
		rows[4] = row(w.stays[4]!.id, { temperature: '45.5', spo2: '97' });
		rows[17] = row(w.stays[17]!.id, { temperature: '36.7', spo2: '101' });
		rows[33] = row(w.stays[33]!.id, { temperature: '3o.6' });
		// Blank rows are skipped, not refused.
		rows.push(row(crypto.randomUUID()));
		const result = await saveRound(
			staffOf(w.site.id),
			{ siteId: w.site.id, roundKey: crypto.randomUUID(), slot: 'morning', rows },
			'127.0.0.1',
			NOW
		);
		expect(result.saved).toBe(47);
		expect(result.errors).toEqual([
			{ stayId: w.stays[4]!.id, field: 'temperature', code: 'range_30_45' },
			{ stayId: w.stays[17]!.id, field: 'spo2', code: 'range_40_100' },
			{ stayId: w.stays[33]!.id, field: 'temperature', code: 'not_a_number' }
		]);
		expect(result.done).toHaveLength(47);
		const stored = await readingsOf(w.stays.map((s) => s.id));
		expect(stored).toHaveLength(47);
		expect(stored.every((r) => r.source === 'staff_round' && r.slot === 'morning')).toBe(true);
		const bad = new Set([4, 17, 33].map((i) => w.stays[i]!.id));
		expect(stored.some((r) => bad.has(r.stayId))).toBe(false);
	});

	it('raises the alerts of the values typed and counts them', async () => {
		const w = await ward(2);
		const result = await saveRound(
			staffOf(w.site.id),
			{
				siteId: w.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [
					row(w.stays[0]!.id, { temperature: '38.2' }),
					row(w.stays[1]!.id, { temperature: '36.5', spo2: '91' })
				]
			},
			null,
			NOW
		);
		expect(result).toMatchObject({ saved: 2, alerts: 2, errors: [] });
		const alerts = await tdb.db
			.select({ kind: t.alerts.kind, severity: t.alerts.severity })
			.from(t.alerts)
			.where(
				inArray(
					t.alerts.stayId,
					w.stays.map((s) => s.id)
				)
			);
		expect(alerts.map((a) => `${a.kind}/${a.severity}`).sort()).toEqual([
			'fever/warning',
			'hypoxia/critical'
		]);
	});

	it('refuses a rare extreme until it is confirmed', async () => {
		const w = await ward(1);
		const input = {
			siteId: w.site.id,
			roundKey: crypto.randomUUID(),
			slot: 'morning' as const,
			rows: [row(w.stays[0]!.id, { temperature: '34.6' })]
		};
		const first = await saveRound(staffOf(w.site.id), input, null, NOW);
		expect(first).toMatchObject({
			saved: 0,
			errors: [{ stayId: w.stays[0]!.id, field: 'temperature', code: 'rare_confirm' }]
		});
		const confirmed = await saveRound(
			staffOf(w.site.id),
			{ ...input, rows: [{ ...input.rows[0]!, confirmRare: true }] },
			null,
			NOW
		);
		expect(confirmed).toMatchObject({ saved: 1, errors: [] });
	});

	it('a resubmitted round records each row once', async () => {
		const w = await ward(3);
		const input = {
			siteId: w.site.id,
			roundKey: crypto.randomUUID(),
			slot: 'morning' as const,
			rows: [
				row(w.stays[0]!.id, { temperature: '37.8' }),
				row(w.stays[1]!.id, { temperature: '36.4' }),
				row(w.stays[2]!.id, { door: true })
			]
		};
		const first = await saveRound(staffOf(w.site.id), input, null, NOW);
		expect(first).toMatchObject({ saved: 3, repeated: 0, unreachable: 1 });
		const again = await saveRound(staffOf(w.site.id), input, null, NOW);
		expect(again).toMatchObject({ saved: 0, repeated: 3, alerts: 0, errors: [] });
		expect(again.done.map((d) => d.stayId).sort()).toEqual(w.stays.map((s) => s.id).sort());
		expect(await readingsOf(w.stays.map((s) => s.id))).toHaveLength(2);
		const unreachable = await tdb.db
			.select()
			.from(t.alerts)
			.where(and(eq(t.alerts.stayId, w.stays[2]!.id), eq(t.alerts.kind, 'unreachable')));
		expect(unreachable).toHaveLength(1);
		expect(unreachable[0]!.triggerCount).toBe(1);
		const fever = await tdb.db
			.select()
			.from(t.alerts)
			.where(and(eq(t.alerts.stayId, w.stays[0]!.id), eq(t.alerts.kind, 'fever')));
		expect(fever[0]!.triggerCount).toBe(1);
	});

	it.skipIf(engine !== 'postgres')(
		'two submissions of one round at the same moment record each row once (PostgreSQL)',
		async () => {
			const w = await ward(10);
			const input = {
				siteId: w.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning' as const,
				rows: [
					...w.stays.slice(0, 9).map((s) => row(s.id, { temperature: '37.6', spo2: '96' })),
					row(w.stays[9]!.id, { door: true })
				]
			};
			const results = await Promise.all([
				saveRound(staffOf(w.site.id), input, null, NOW),
				saveRound(staffOf(w.site.id), input, null, NOW),
				saveRound(staffOf(w.site.id), input, null, NOW)
			]);
			expect(results.map((r) => r.saved).sort()).toEqual([0, 0, 10]);
			expect(results.every((r) => r.errors.length === 0 && r.done.length === 10)).toBe(true);
			expect(await readingsOf(w.stays.map((s) => s.id))).toHaveLength(9);
			const alerts = await tdb.db
				.select()
				.from(t.alerts)
				.where(
					inArray(
						t.alerts.stayId,
						w.stays.map((s) => s.id)
					)
				);
			expect(alerts).toHaveLength(10);
			expect(alerts.every((a) => a.triggerCount === 1)).toBe(true);

			// A round of doors alone stores no reading whose key could clash: the round's lock keeps it once.
			const doors = { ...input, roundKey: crypto.randomUUID(), rows: [row(w.stays[0]!.id, { door: true })] };
			const twice = await Promise.all([
				saveRound(staffOf(w.site.id), doors, null, NOW),
				saveRound(staffOf(w.site.id), doors, null, NOW)
			]);
			expect(twice.map((r) => r.saved).sort()).toEqual([0, 1]);
			const [door] = await tdb.db
				.select()
				.from(t.alerts)
				.where(and(eq(t.alerts.stayId, w.stays[0]!.id), eq(t.alerts.kind, 'unreachable')));
			expect(door!.triggerCount).toBe(1);
		}
	);

	it('"did not answer the door" raises one critical unreachable alert, audited', async () => {
		const w = await ward(1);
		const stayId = w.stays[0]!.id;
		const result = await saveRound(
			staffOf(w.site.id),
			{
				siteId: w.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [row(stayId, { door: true })]
			},
			'127.0.0.1',
			NOW
		);
		expect(result).toMatchObject({ saved: 1, alerts: 1, unreachable: 1, errors: [] });
		const alerts = await tdb.db.select().from(t.alerts).where(eq(t.alerts.stayId, stayId));
		expect(alerts).toHaveLength(1);
		expect(alerts[0]).toMatchObject({
			kind: 'unreachable',
			severity: 'critical',
			status: 'open',
			readingId: null,
			lastValue: { reason: 'door', slot: 'morning', slotDate: '2026-11-24' }
		});
		expect(await readingsOf([stayId])).toHaveLength(0);
		const audited = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.action, 'door_unanswered'), eq(t.auditLog.entity, 'round_door')));
		expect(audited.some((a) => (a.after as { stayId?: string }).stayId === stayId)).toBe(true);
		const sheet = await roundSheet(w.site.id, {}, NOW);
		expect(sheet!.rows[0]!.door).toBe(true);

		// Values typed as well as "did not answer": one of them is a slip, so the row is refused.
		const both = await saveRound(
			staffOf(w.site.id),
			{
				siteId: w.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [row(stayId, { door: true, temperature: '36.5' })]
			},
			null,
			NOW
		);
		expect(both).toMatchObject({ saved: 0, errors: [{ stayId, field: 'door', code: 'door_with_values' }] });
	});

	it("a site's staff cannot save rows for another site's stays", async () => {
		const mine = await ward(1);
		const theirs = await ward(1);
		const result = await saveRound(
			staffOf(mine.site.id),
			{
				siteId: mine.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [
					row(mine.stays[0]!.id, { temperature: '36.6' }),
					row(theirs.stays[0]!.id, { temperature: '39.5' }),
					row(crypto.randomUUID(), { door: true })
				]
			},
			null,
			NOW
		);
		expect(result.saved).toBe(1);
		expect(result.errors).toContainEqual({
			stayId: theirs.stays[0]!.id,
			field: 'row',
			code: 'stay_not_found'
		});
		expect(await readingsOf([theirs.stays[0]!.id])).toHaveLength(0);
		expect(await tdb.db.select().from(t.alerts).where(eq(t.alerts.stayId, theirs.stays[0]!.id))).toHaveLength(
			0
		);

		// Sent to the other site's round: not in scope, nothing saved.
		const elsewhere = await saveRound(
			staffOf(mine.site.id),
			{
				siteId: theirs.site.id,
				roundKey: crypto.randomUUID(),
				slot: 'morning',
				rows: [row(theirs.stays[0]!.id, { temperature: '39.5' })]
			},
			null,
			NOW
		);
		expect(elsewhere).toMatchObject({
			saved: 0,
			errors: [{ stayId: theirs.stays[0]!.id, field: 'row', code: 'stay_not_found' }]
		});
		expect(await readingsOf([theirs.stays[0]!.id])).toHaveLength(0);
	});
});
