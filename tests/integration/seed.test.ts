import { and, count, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResidentId } from '../../src/lib/domain/id-number';
import {
	demoDevice,
	demoLogins,
	formatLogins,
	seedIfEmpty,
	seedSynthetic
} from '../../src/lib/server/db/seed';
import { activeStays } from '../../src/lib/server/devices/api';
import { authenticateDevice } from '../../src/lib/server/devices/tokens';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from './helpers/database';

const NOW = new Date('2026-11-24T06:30:00Z'); // 14:30 in Shanghai

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

describe('the demo seed', () => {
	it('seeds an empty database once, with a login per role', async () => {
		const made = await seedIfEmpty(tdb.db, NOW);
		expect(made).not.toBeNull();
		expect(made!.logins.map((l) => l.role).sort()).toEqual(['admin', 'clinician', 'resident', 'site_staff']);
		expect(await seedIfEmpty(tdb.db, NOW)).toBeNull();
		const [users] = await tdb.db.select({ n: count() }).from(t.users);
		expect(users!.n).toBe(4);
	});

	it('opens with the alerts its abnormal readings raise, through the alert engine', async () => {
		const alerts = await tdb.db
			.select({ kind: t.alerts.kind, severity: t.alerts.severity, status: t.stays.status })
			.from(t.alerts)
			.innerJoin(t.stays, eq(t.stays.id, t.alerts.stayId));
		const kinds = new Set(alerts.map((a) => `${a.kind}:${a.severity}`));
		expect(kinds).toContain('fever:critical');
		expect(kinds).toContain('fever:warning');
		expect(kinds).toContain('hypoxia:critical');
		expect(kinds).toContain('symptom:critical');
		// Alerts only for stays still under observation.
		expect(alerts.every((a) => a.status === 'active')).toBe(true);
		// One active alert per stay and kind, however many fevers a resident had.
		const febrile = await tdb.db
			.selectDistinct({ stayId: t.readings.stayId })
			.from(t.readings)
			.innerJoin(t.stays, eq(t.stays.id, t.readings.stayId))
			.where(and(gte(t.readings.temperature, 37.3), eq(t.stays.status, 'active')));
		expect(alerts.filter((a) => a.kind === 'fever')).toHaveLength(febrile.length);
	});

	it('has deliveries in every state, each step dated, one from a call and one medicine overdue', async () => {
		const rows = await tdb.db.select().from(t.deliveries);
		const states = new Set(rows.map((r) => r.status));
		for (const s of t.deliveryStatusEnum.enumValues) expect(states, s).toContain(s);
		expect(rows.some((r) => r.source === 'call' && r.callId !== null)).toBe(true);
		const cutoff = NOW.getTime() - 24 * 3600_000;
		expect(
			rows.some((r) => r.kind !== 'supply' && r.status === 'approved' && r.approvedAt!.getTime() < cutoff)
		).toBe(true);
		const events = await tdb.db.select().from(t.deliveryEvents);
		for (const r of rows) {
			const mine = events.filter((e) => e.deliveryId === r.id);
			expect(mine.at(-1)!.toStatus).toBe(r.status);
			expect(mine.every((e) => e.at <= NOW)).toBe(true);
		}
		// Every state the worklist shows at the centralised site's floors, with several on one floor.
		expect(rows.filter((r) => r.status === 'out_for_delivery').length).toBeGreaterThanOrEqual(2);
	});

	it('has two centralised sites (one of 40 rooms over 4 floors) and two communities', async () => {
		const sites = await tdb.db.select().from(t.sites);
		expect(sites.filter((s) => s.kind === 'centralised')).toHaveLength(2);
		expect(sites.filter((s) => s.kind === 'community')).toHaveLength(2);
		const big = sites.find((s) => s.code === 'JZ-C01')!;
		const rooms = await tdb.db.select().from(t.rooms).where(eq(t.rooms.siteId, big.id));
		expect(rooms).toHaveLength(40);
		expect(new Set(rooms.map((r) => r.floor))).toEqual(new Set([2, 3, 4, 5]));
		expect(new Set(rooms.map((r) => r.status))).toEqual(
			new Set(['available', 'occupied', 'needs_disinfection', 'out_of_service'])
		);
	});

	it('spreads about 80 residents over every phase and several outcomes', async () => {
		const stays = await tdb.db.select().from(t.stays);
		expect(stays.length).toBeGreaterThanOrEqual(75);
		expect(stays.length).toBeLessThanOrEqual(90);
		const active = stays.filter((s) => s.status === 'active');
		const modes = new Set(active.map((s) => s.planPhases[s.phaseIndex]!.mode));
		expect(modes).toEqual(new Set(['centralised', 'home_isolation', 'home_monitoring']));
		const outcomes = new Set(stays.map((s) => s.status));
		for (const o of ['active', 'released', 'transferred_hospital', 'absconded', 'moved_away'])
			expect(outcomes).toContain(o);
		expect(stays.filter((s) => s.status === 'transferred_hospital')).toHaveLength(1);
		// Centralised residents are in rooms of a centralised site; home ones are with their community.
		const sites = new Map((await tdb.db.select().from(t.sites)).map((s) => [s.id, s]));
		for (const s of active) {
			const mode = s.planPhases[s.phaseIndex]!.mode;
			expect(sites.get(s.siteId)!.kind).toBe(mode === 'centralised' ? 'centralised' : 'community');
			expect(s.roomId !== null).toBe(mode === 'centralised');
		}
	});

	it('gives every resident a valid ID number and a masked-searchable last four', async () => {
		const residents = await tdb.db.select().from(t.residents);
		for (const r of residents) {
			const v = validateResidentId(r.idNumber, NOW);
			expect(v.ok).toBe(true);
			expect(r.idLast4).toBe(r.idNumber.slice(-4));
			if (v.ok) expect(r.sex).toBe(v.sex);
		}
	});

	it('has seven days of twice-daily readings with a few fevers and one low SpO2', async () => {
		const sevenDaysAgo = new Date(NOW.getTime() - 7 * 86_400_000);
		const readings = await tdb.db.select().from(t.readings).where(gte(t.readings.takenAt, sevenDaysAgo));
		const active = await tdb.db.select({ n: count() }).from(t.stays).where(eq(t.stays.status, 'active'));
		// Roughly two per active resident per day, less the days before admission.
		expect(readings.length).toBeGreaterThan(active[0]!.n * 6);
		expect(new Set(readings.map((r) => r.slot))).toEqual(new Set(['morning', 'evening']));
		const fevers = readings.filter((r) => (r.temperature ?? 0) >= 37.3);
		expect(fevers.length).toBeGreaterThanOrEqual(3);
		expect(fevers.some((r) => (r.temperature ?? 0) >= 39)).toBe(true);
		expect(readings.filter((r) => r.spo2 !== null && r.spo2 <= 92)).toHaveLength(1);
		const [late] = await tdb.db
			.select({ n: count() })
			.from(t.readings)
			.where(and(sql`${t.readings.takenAt} > ${NOW.toISOString()}::timestamptz`));
		expect(late!.n).toBe(0);
	});

	it('makes a demo device token for the centralised sites, printed with the logins at every start', async () => {
		const device = await demoDevice(tdb.db);
		expect(device).toMatchObject({ sites: ['JZ-C01', 'JZ-C02'], token: expect.stringMatching(/^icd_/) });
		const auth = await authenticateDevice(device!.token, NOW);
		expect(auth.ok).toBe(true);
		if (!auth.ok) return;
		const sites = new Set((await activeStays(auth.device, NOW)).map((s) => s.site));
		expect(sites).toEqual(new Set(['JZ-C01', 'JZ-C02']));
		const printed = formatLogins('http://localhost:3000', (await demoLogins(tdb.db))!, device);
		expect(printed).toContain(device!.token);
	});

	it('has demo calls for the home isolators, recorded as calls are: a reading for every reached one', async () => {
		const calls = await tdb.db
			.select({
				outcome: t.calls.outcome,
				readingId: t.calls.readingId,
				stayId: t.calls.stayId,
				siteKind: t.sites.kind
			})
			.from(t.calls)
			.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
			.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId));
		expect(calls.length).toBeGreaterThan(10);
		expect(calls.every((c) => c.siteKind === 'community')).toBe(true);
		const reached = calls.filter((c) => c.outcome === 'reached');
		expect(reached.length).toBeGreaterThan(5);
		for (const c of reached) expect(c.readingId).not.toBeNull();
		const phoneReadings = await tdb.db
			.select({ id: t.readings.id, source: t.readings.source })
			.from(t.readings)
			.where(
				inArray(
					t.readings.id,
					reached.map((c) => c.readingId!)
				)
			);
		expect(phoneReadings.every((r) => r.source === 'phone')).toBe(true);
		expect(phoneReadings).toHaveLength(reached.length);
		// The stories: one resident unreachable three times over midnight, one wrong number.
		expect(new Set(calls.map((c) => c.outcome))).toEqual(
			new Set(['reached', 'no_answer', 'busy', 'wrong_number'])
		);
		const unreachable = await tdb.db.select().from(t.alerts).where(eq(t.alerts.kind, 'unreachable'));
		expect(unreachable).toHaveLength(1);
		expect(unreachable[0]).toMatchObject({
			severity: 'critical',
			lastValue: { reason: 'calls', failures: 3 }
		});
		const flagged = await tdb.db.select().from(t.residents).where(isNotNull(t.residents.phoneFlaggedAt));
		expect(flagged).toHaveLength(1);
	});

	it('records an admission event for every stay', async () => {
		const [stays] = await tdb.db.select({ n: count() }).from(t.stays);
		const [admitted] = await tdb.db
			.select({ n: count() })
			.from(t.stayEvents)
			.where(eq(t.stayEvents.kind, 'admitted'));
		expect(admitted!.n).toBe(stays!.n);
	});
});

describe('synthetic data', () => {
	it('is deterministic from its seed and adds the asked number of residents', async () => {
		const other = await createTestDatabase();
		try {
			const a = await seedSynthetic(tdb.db, { residents: 120, released: 60, seed: 7, days: 3, now: NOW });
			const b = await seedSynthetic(other.db, { residents: 120, released: 60, seed: 7, days: 3, now: NOW });
			expect(a).toEqual(b);
			expect(a.activeStays).toBe(120);
			expect(a.releasedStays).toBe(60);
			expect(a.residents).toBe(180);
			expect(a.readings).toBeGreaterThan(0);
			const readings = (db: typeof tdb.db) =>
				db
					.select({ id: t.readings.id, t: t.readings.temperature, at: t.readings.takenAt })
					.from(t.readings)
					.where(sql`${t.readings.idempotencyKey} like 'SYN7-%'`)
					.orderBy(t.readings.idempotencyKey);
			expect(await readings(tdb.db)).toEqual(await readings(other.db));
			const pick = (db: typeof tdb.db) =>
				db
					.select({ id: t.stays.id, room: t.stays.roomId, due: t.stays.releaseDueAt })
					.from(t.stays)
					.where(sql`${t.stays.idempotencyKey} like 'SYN7-%'`)
					.orderBy(t.stays.idempotencyKey);
			expect(await pick(tdb.db)).toEqual(await pick(other.db));
			await expect(seedSynthetic(tdb.db, { residents: 10, seed: 7, now: NOW })).rejects.toThrow(/already/);
		} finally {
			await other.destroy();
		}
	});
});
