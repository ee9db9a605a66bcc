/**
 * A ward round is stored as one batch (src/lib/server/readings/batch.ts); a reading sent on its own takes
 * the one reading path (recordReadingInTx). These tests hold the two to the same stored result: the
 * readings, the alerts they raise, update, reopen or resolve, and the audit rows, for a mixed round.
 */
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { readingSchema, type ReadingInput } from '../../src/lib/schemas/reading';
import type { RoundRow } from '../../src/lib/schemas/round';
import { database } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import { recordBatchInTx } from '../../src/lib/server/readings/batch';
import { recordReadingInTx, type RecordResult } from '../../src/lib/server/readings/record';
import { rowKey, saveRound } from '../../src/lib/server/round';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

/** 08:30 in Shanghai: the morning slot. */
const NOW = new Date('2026-11-24T00:30:00Z');
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

/** What each resident of the mixed round is: the row typed, and what came before it. */
const MIXED = [
	{ name: 'fever', row: { temperature: '38.2' } },
	{ name: 'normal, a missed slot open', row: { temperature: '36.6', spo2: '98' } },
	{ name: 'low SpO2', row: { temperature: '36.9', spo2: '91' } },
	{ name: 'a new symptom', row: { temperature: '36.8', symptoms: ['dry_cough', 'fatigue'] } },
	{ name: 'a continuing symptom', row: { temperature: '36.8', symptoms: ['dry_cough'] } },
	{ name: 'high fever over an acknowledged fever', row: { temperature: '39.4' } },
	{ name: 'breathless', row: { spo2: '95', symptoms: ['shortness_of_breath'] } },
	{ name: 'released meanwhile', row: { temperature: '36.5' } }
] as const satisfies { name: string; row: Partial<RoundRow> }[];
const RELEASED = 7;

/** A centralised ward with one resident per entry of MIXED, each with the history the entry names. */
async function mixedWard() {
	const g = await makeGround(tdb.db);
	const nurse = await makeStaff(tdb.db, 'site_staff', [g.site.id]);
	const stays: string[] = [];
	for (let i = 0; i < MIXED.length; i++) {
		const room = await makeRoom(tdb.db, g.site.id, { number: `5${i}-${uniqueKey('r').slice(-5)}` });
		const r = await makeResident(tdb.db, g.community.id, { birthDate: '1975-03-03' });
		const s = await makeStay(tdb.db, {
			residentId: r.id,
			siteId: g.site.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id,
			roomId: room.id
		});
		stays.push(s.id);
	}
	const earlier = (stayId: string, h: number, v: Partial<typeof t.readings.$inferInsert>) => ({
		stayId,
		takenAt: hoursBefore(h),
		slot: 'evening' as const,
		slotDate: '2026-11-23',
		source: 'staff_round' as const,
		idempotencyKey: uniqueKey('history'),
		...v
	});
	await tdb.db.insert(t.readings).values([
		earlier(stays[3]!, 2, { temperature: 36.7, symptoms: ['dry_cough'] }),
		earlier(stays[4]!, 3, { temperature: 36.7, symptoms: ['dry_cough'] }),
		// A temperature-only reading in between says nothing about the cough.
		earlier(stays[4]!, 1, { temperature: 36.6 }),
		earlier(stays[5]!, 5, { temperature: 37.6 })
	]);
	await tdb.db.insert(t.alerts).values([
		{
			stayId: stays[1]!,
			kind: 'missed_reading',
			severity: 'warning',
			firstTriggeredAt: hoursBefore(6),
			lastTriggeredAt: hoursBefore(6),
			openedAt: hoursBefore(6),
			lastValue: { slot: 'evening', slotDate: '2026-11-23' }
		},
		{
			stayId: stays[5]!,
			kind: 'fever',
			severity: 'warning',
			status: 'acknowledged',
			firstTriggeredAt: hoursBefore(5),
			lastTriggeredAt: hoursBefore(5),
			openedAt: hoursBefore(5),
			escalatedAt: hoursBefore(4),
			acknowledgedAt: hoursBefore(4),
			lastValue: { temperature: 37.6 }
		}
	]);
	return { ...g, nurse, stays };
}

const rowsOf = (stays: string[]): RoundRow[] =>
	MIXED.map((m, i) => ({
		stayId: stays[i]!,
		temperature: '',
		spo2: '',
		symptoms: [],
		door: false,
		confirmRare: false,
		...m.row
	}));

/** A row as the round reads it into a reading (src/lib/server/round.ts, judgeRow). */
const inputOf = (roundKey: string, row: RoundRow): ReadingInput =>
	readingSchema.parse({
		stayId: row.stayId,
		source: 'staff_round',
		temperature: row.temperature ? Number(row.temperature) : null,
		spo2: row.spo2 ? Number(row.spo2) : null,
		symptoms: row.symptoms,
		idempotencyKey: rowKey(roundKey, row.stayId)
	});

const release = (stayId: string) =>
	tdb.db
		.update(t.stays)
		.set({ status: 'released', outcomeAt: hoursBefore(0.1) })
		.where(eq(t.stays.id, stayId));

/** Everything a round leaves behind for each stay, in a form two wards can be compared by. */
async function storedState(stays: string[]) {
	const readings = await tdb.db
		.select()
		.from(t.readings)
		.where(and(inArray(t.readings.stayId, stays), like(t.readings.idempotencyKey, 'round:%')));
	const readingIndex = new Map(readings.map((r) => [r.id, stays.indexOf(r.stayId)]));
	const alerts = await tdb.db
		.select()
		.from(t.alerts)
		.where(inArray(t.alerts.stayId, stays))
		.orderBy(asc(t.alerts.kind));
	const audits = readings.length
		? await tdb.db
				.select()
				.from(t.auditLog)
				.where(
					and(
						eq(t.auditLog.entity, 'reading'),
						inArray(
							t.auditLog.entityId,
							readings.map((r) => r.id)
						)
					)
				)
		: [];
	return stays.map((stayId, i) => ({
		i,
		readings: readings
			.filter((r) => r.stayId === stayId)
			.map(({ id: _id, stayId: _s, idempotencyKey: _k, requestHash: _h, createdAt: _c, ...r }) => r),
		alerts: alerts
			.filter((a) => a.stayId === stayId)
			.map(({ id: _id, stayId: _s, createdAt: _c, readingId, ...a }) => ({
				...a,
				reading: readingId == null ? null : (readingIndex.get(readingId) ?? 'earlier')
			})),
		audits: audits
			.filter((a) => readings.find((r) => r.id === a.entityId)?.stayId === stayId)
			.map((a) => ({
				action: a.action,
				actorId: a.actorId,
				actorRole: a.actorRole,
				after: a.after,
				ip: a.ip
			}))
	}));
}

/** The one reading path, row by row in one transaction, as rounds were stored before the batch. */
const onePath = (principal: Principal, inputs: ReadingInput[]) =>
	database().db.transaction(async (tx) => {
		const out: RecordResult[] = [];
		for (const input of inputs) out.push(await recordReadingInTx(tx, principal, input, '10.0.0.7', NOW));
		return out;
	});

/** The batch path, on the same inputs. */
const batchPath = (principal: Principal, inputs: ReadingInput[]) =>
	database().db.transaction(async (tx) =>
		(
			await recordBatchInTx(
				tx,
				principal,
				inputs.map((input) => ({ kind: 'reading' as const, input })),
				'10.0.0.7',
				NOW
			)
		).map((o) => (o.kind === 'reading' ? o.result : null))
	);

/** A result with the ids that differ between two wards left out. */
const comparable = (r: RecordResult | null) =>
	r && r.ok
		? {
				news2: r.news2,
				alerts: r.alerts.map(({ id: _id, ...a }) => a),
				reading: { temperature: r.reading.temperature, spo2: r.reading.spo2, symptoms: r.reading.symptoms }
			}
		: r;

describe('a round stored as one batch', () => {
	it('stores the same readings, alerts and audit rows as the one reading path, row for row', async () => {
		const a = await mixedWard();
		const b = await mixedWard();
		await release(a.stays[RELEASED]!);
		await release(b.stays[RELEASED]!);
		const key = crypto.randomUUID();
		const batch = await batchPath(
			a.nurse,
			rowsOf(a.stays).map((r) => inputOf(key, r))
		);
		const single = await onePath(
			b.nurse,
			rowsOf(b.stays).map((r) => inputOf(key, r))
		);
		expect(batch.map(comparable)).toEqual(single.map(comparable));
		expect(batch[RELEASED]).toEqual({ ok: false, error: 'stay_ended' });

		const [stateA, stateB] = [await storedState(a.stays), await storedState(b.stays)];
		// The recorder differs (one nurse per ward); everything else is the same.
		const sameNurse = (s: typeof stateA, id: string) =>
			JSON.parse(JSON.stringify(s).replaceAll(id, 'nurse')) as typeof stateA;
		expect(sameNurse(stateA, a.nurse.userId)).toEqual(sameNurse(stateB, b.nurse.userId));

		// What the rules said, spelled out once.
		const kinds = stateA.map((s) => s.alerts.map((x) => `${x.kind}/${x.severity}/${x.status}`));
		expect(kinds).toEqual([
			['fever/warning/open'],
			['missed_reading/warning/resolved'],
			// SpO2 and a temperature alone are too few for NEWS2: hypoxia speaks for the low value.
			['hypoxia/critical/open'],
			['symptom/warning/open'],
			[],
			['fever/critical/open'],
			['symptom/critical/open'],
			[]
		]);
		expect(stateA[3]!.alerts[0]!.lastValue).toEqual({ new: ['fatigue'], symptoms: ['dry_cough', 'fatigue'] });
		expect(stateA[5]!.alerts[0]).toMatchObject({
			triggerCount: 2,
			openedAt: NOW,
			escalatedAt: null,
			reading: 5,
			version: 2
		});
		expect(stateA[1]!.alerts[0]).toMatchObject({ outcome: 'late_reading', resolvedAt: NOW });
		expect(stateA.map((s) => s.readings.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
		expect(stateA[2]!.audits).toEqual([
			{
				action: 'record',
				actorId: a.nurse.userId,
				actorRole: 'site_staff',
				after: {
					source: 'staff_round',
					slot: 'morning',
					slotDate: '2026-11-24',
					alerts: ['hypoxia']
				},
				ip: '10.0.0.7'
			}
		]);
	});

	it('saves a mixed round as the one path would, and a resent round key stores nothing more', async () => {
		const a = await mixedWard();
		const b = await mixedWard();
		await release(a.stays[RELEASED]!);
		const roundKey = crypto.randomUUID();
		const input = { siteId: a.site.id, roundKey, slot: 'morning' as const, rows: rowsOf(a.stays) };
		const first = await saveRound(a.nurse, input, '10.0.0.7', NOW);
		expect(first).toMatchObject({
			saved: 7,
			repeated: 0,
			// fever, hypoxia, symptom, fever, symptom (the resolved missed slot is not counted)
			alerts: 5,
			errors: [{ stayId: a.stays[RELEASED]!, field: 'row', code: 'stay_ended' }]
		});
		await onePath(
			b.nurse,
			rowsOf(b.stays)
				.slice(0, RELEASED)
				.map((r) => inputOf(roundKey, r))
		);
		const sameNurse = (s: unknown, id: string) => JSON.parse(JSON.stringify(s).replaceAll(id, 'nurse'));
		const before = await storedState(a.stays);
		expect(sameNurse(before, a.nurse.userId)).toEqual(sameNurse(await storedState(b.stays), b.nurse.userId));

		const again = await saveRound(a.nurse, input, '10.0.0.7', NOW);
		expect(again).toEqual({
			saved: 0,
			repeated: 7,
			alerts: 0,
			unreachable: 0,
			errors: first.errors,
			done: first.done
		});
		expect(await storedState(a.stays)).toEqual(before);
	});

	it('a stay released after the round was checked is refused on its own; the rest are stored', async () => {
		const w = await mixedWard();
		const key = crypto.randomUUID();
		const inputs = rowsOf(w.stays).map((r) => inputOf(key, r));
		// The round checked the stays, then the release landed before its transaction read them.
		await release(w.stays[RELEASED]!);
		const results = await batchPath(w.nurse, inputs);
		expect(results[RELEASED]).toEqual({ ok: false, error: 'stay_ended' });
		expect(results.filter((r) => r?.ok)).toHaveLength(RELEASED);
		const state = await storedState(w.stays);
		expect(state[RELEASED]).toEqual({ i: RELEASED, readings: [], alerts: [], audits: [] });
		// And the one path says the same of it.
		const single = await onePath(w.nurse, [inputOf(crypto.randomUUID(), rowsOf(w.stays)[RELEASED]!)]);
		expect(single).toEqual([{ ok: false, error: 'stay_ended' }]);
	});
});

describe.skipIf(engine !== 'postgres')('a round stored as one batch (PostgreSQL)', () => {
	it('a resident released while the round waits for its turn is reported, the rest saved', async () => {
		const w = await mixedWard();
		const roundKey = crypto.randomUUID();
		const other = postgres(database().url!, { max: 1, onnotice: () => {} });
		try {
			// Another copy of the round holds its lock: this one checks its stays, then waits.
			// Wrapped, so the transaction commits (letting the round through) before the round is awaited.
			const { saving } = await other.begin(async (o) => {
				await o`select pg_advisory_xact_lock(hashtext(${'round:' + roundKey}))`;
				const saving = saveRound(
					w.nurse,
					{ siteId: w.site.id, roundKey, slot: 'morning', rows: rowsOf(w.stays) },
					null,
					NOW
				);
				// Wait until it is blocked on the round's lock, then release a resident and let it through.
				for (let i = 0; i < 100; i++) {
					const [waiting] = await o`
						select count(*)::int as n from pg_locks
						where locktype = 'advisory' and not granted
							and database = (select oid from pg_database where datname = current_database())`;
					if (waiting!.n > 0) break;
					await new Promise((r) => setTimeout(r, 20));
				}
				await o`update stays set status = 'released', outcome_at = now() where id = ${w.stays[RELEASED]!}`;
				return { saving };
			});
			const released = await saving;
			expect(released).toMatchObject({
				saved: RELEASED,
				errors: [{ stayId: w.stays[RELEASED]!, field: 'row', code: 'stay_ended' }]
			});
			expect(released.done.map((d) => d.stayId)).toEqual(w.stays.slice(0, RELEASED));
			const state = await storedState(w.stays);
			expect(state[RELEASED]).toEqual({ i: RELEASED, readings: [], alerts: [], audits: [] });
		} finally {
			await other.end();
		}
	});

	it('two saves of one round key at the same moment store it once, and both answers name it', async () => {
		const w = await mixedWard();
		const input = {
			siteId: w.site.id,
			roundKey: crypto.randomUUID(),
			slot: 'morning' as const,
			rows: [
				...rowsOf(w.stays).slice(0, RELEASED),
				{ ...rowsOf(w.stays)[RELEASED]!, temperature: '', door: true }
			]
		};
		const [x, y] = await Promise.all([
			saveRound(w.nurse, input, null, NOW),
			saveRound(w.nurse, input, null, NOW)
		]);
		const [first, second] = x.saved ? [x, y] : [y, x];
		expect(first).toMatchObject({ saved: 8, repeated: 0, alerts: 6, unreachable: 1, errors: [] });
		expect(second).toMatchObject({ saved: 0, repeated: 8, alerts: 0, unreachable: 0, errors: [] });
		expect(second.done).toEqual(first.done);
		const state = await storedState(w.stays);
		expect(state.map((s) => s.readings.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
		expect(state.flatMap((s) => s.audits)).toHaveLength(7);
		// Each alert took one trigger from the round (the acknowledged fever had one before it).
		expect(state.flatMap((s) => s.alerts.map((a) => `${s.i}:${a.kind}:${a.triggerCount}`))).toEqual([
			'0:fever:1',
			'1:missed_reading:1',
			'2:hypoxia:1',
			'3:symptom:1',
			'5:fever:2',
			'6:symptom:1',
			'7:unreachable:1'
		]);
		const doors = await tdb.db
			.select({ n: sql<number>`count(*)::int` })
			.from(t.auditLog)
			.where(
				and(
					eq(t.auditLog.entity, 'round_door'),
					eq(t.auditLog.entityId, rowKey(input.roundKey, w.stays[RELEASED]!))
				)
			);
		expect(doors[0]!.n).toBe(1);
	});
});
