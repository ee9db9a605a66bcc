/**
 * The dashboard and the daily report on a small, hand-counted record: two sites (a centralised site C1
 * with rooms R1 of one bed and R2 of two, a community K1), six stays and their events, alerts, calls, a
 * reading and room cleanings over 1–3 March 2026 in Shanghai time. Every expected number below is counted
 * by hand from the timeline in the comments.
 */
import { desc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { idCheckChar } from '../../src/lib/domain/id-number';
import { admissionSchema } from '../../src/lib/schemas/admission';
import { outcomeSchema } from '../../src/lib/schemas/stays';
import { admit } from '../../src/lib/server/admission/admit';
import { emptyFigures } from '../../src/lib/domain/dashboard';
import { dailyReport, dashboard } from '../../src/lib/server/dashboard';
import { exportCsv } from '../../src/lib/server/dashboard/exports';
import * as q from '../../src/lib/server/dashboard/queries';
import { slotStart } from '../../src/lib/server/follow-up/call-list';
import * as t from '../../src/lib/server/db/schema';
import { createLiveHub, type AlertChange } from '../../src/lib/server/live';
import { recordOutcome } from '../../src/lib/server/stays/changes';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makePlan, makeResident, makeRoom, makeSite, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

const ZONE = 'Asia/Shanghai';
/** A Shanghai wall-clock time as an instant. */
const L = (s: string) => DateTime.fromFormat(s, 'yyyy-MM-dd HH:mm', { zone: ZONE }).toJSDate();

let tdb: TestDatabase;
let admin: Principal;
let c1Staff: Principal;
let ids: Record<string, string>;

beforeAll(async () => {
	tdb = await createTestDatabase();
	const db = tdb.db;
	const c1 = await makeSite(db, { code: 'FX-C1', name: '测试酒店' });
	const k1 = await makeSite(db, { code: 'FX-K1', kind: 'community', name: '测试社区' });
	const r1 = await makeRoom(db, c1.id, { capacity: 1, status: 'occupied', createdAt: L('2026-02-01 08:00') });
	const r2 = await makeRoom(db, c1.id, { capacity: 2, status: 'occupied', createdAt: L('2026-02-01 08:00') });
	const central = await makePlan(db, 'ed9-7+3'); // 7 days centralised, then 3 of home monitoring
	const home = await makePlan(db, 'ed9-home-7'); // 7 days home isolation
	admin = await makeStaff(db, 'admin');
	c1Staff = await makeStaff(db, 'site_staff', [c1.id]);
	const A = await makeResident(db, k1.id);
	const B = await makeResident(db, k1.id);
	const C = await makeResident(db, k1.id);
	const D = await makeResident(db, k1.id);
	const E = await makeResident(db, k1.id);

	const stay = async (
		resident: { id: string },
		plan: typeof central,
		over: Partial<typeof t.stays.$inferInsert> & { admittedAt: Date; siteId: string }
	) => {
		const days = plan.phases.reduce((n, p) => n + p.days, 0);
		const [row] = await db
			.insert(t.stays)
			.values({
				residentId: resident.id,
				homeCommunityId: k1.id,
				planId: plan.id,
				planPhases: plan.phases,
				planCountsFrom: 'admission',
				category: 'close_contact',
				periodStart: over.admittedAt,
				// As the use cases keep it: the plan's days plus every extension.
				releaseDueAt: new Date(
					over.admittedAt.getTime() +
						days * 86_400_000 +
						(over.extensions ?? []).reduce((h, x) => h + x.hours, 0) * 3_600_000
				),
				idempotencyKey: uniqueKey('stay'),
				...over
			})
			.returning();
		return row!;
	};
	const event = (
		stayId: string,
		kind: (typeof t.stayEventKindEnum.enumValues)[number],
		siteId: string,
		occurredAt: Date,
		data: Record<string, unknown> = {},
		recordedAt = occurredAt
	) => db.insert(t.stayEvents).values({ stayId, kind, siteId, occurredAt, recordedAt, data });

	// S1 (A, close contact): C1 room R1 on 1 Mar 10:00; handed over to K1 on 2 Mar 09:00; released 3 Mar 15:00.
	const s1 = await stay(A, central, {
		admittedAt: L('2026-03-01 10:00'),
		siteId: k1.id,
		phaseIndex: 1,
		status: 'released',
		outcomeAt: L('2026-03-03 15:00')
	});
	await event(s1.id, 'admitted', c1.id, L('2026-03-01 10:00'), { roomId: r1.id });
	await event(s1.id, 'handed_over', k1.id, L('2026-03-02 09:00'), { from: 0, to: 1, roomId: r1.id });
	await event(s1.id, 'released', k1.id, L('2026-03-03 15:00'), { roomId: null });
	// S2 (B, close contact): C1 room R2 on 1 Mar 20:00; to hospital 2 Mar 12:00.
	const s2 = await stay(B, central, {
		admittedAt: L('2026-03-01 20:00'),
		siteId: c1.id,
		status: 'transferred_hospital',
		outcomeAt: L('2026-03-02 12:00')
	});
	await event(s2.id, 'admitted', c1.id, L('2026-03-01 20:00'), { roomId: r2.id });
	await event(s2.id, 'outcome', c1.id, L('2026-03-02 12:00'), {
		outcome: 'transferred_hospital',
		roomId: r2.id
	});
	// S3 (C, inbound): home isolation at K1 from 2 Mar 08:00; extended by a day on 3 Mar 12:00.
	const s3 = await stay(C, home, {
		admittedAt: L('2026-03-02 08:00'),
		siteId: k1.id,
		category: 'inbound',
		extensions: [{ phaseIndex: 0, hours: 24, reason: '复查', at: L('2026-03-03 12:00').toISOString() }]
	});
	await event(s3.id, 'admitted', k1.id, L('2026-03-02 08:00'));
	await event(s3.id, 'extended', k1.id, L('2026-03-03 12:00'), { hours: 24 });
	// S4 (A again, close contact): C1 room R1 on 3 Mar 18:00.
	const s4 = await stay(A, central, { admittedAt: L('2026-03-03 18:00'), siteId: c1.id, roomId: r1.id });
	await event(s4.id, 'admitted', c1.id, L('2026-03-03 18:00'), { roomId: r1.id });
	// S5 (D, close contact): C1 room R2 from 2 Mar 14:00, but entered only on 3 Mar 10:00.
	const s5 = await stay(D, central, { admittedAt: L('2026-03-02 14:00'), siteId: c1.id, roomId: r2.id });
	await event(s5.id, 'admitted', c1.id, L('2026-03-02 14:00'), { roomId: r2.id }, L('2026-03-03 10:00'));
	// S6 (E, secondary contact): home isolation at K1 since 25 Feb 09:00 (release due 4 Mar 09:00).
	const s6 = await stay(E, home, {
		admittedAt: L('2026-02-25 09:00'),
		siteId: k1.id,
		category: 'secondary_contact'
	});
	await event(s6.id, 'admitted', k1.id, L('2026-02-25 09:00'));

	// Alerts: a fever on S1 (1 Mar 18:00 → resolved 2 Mar 08:00); S3 unreachable (critical) from 2 Mar
	// 19:00 and a delivery overdue from 3 Mar 11:00, both still active.
	const alert = (
		stayId: string,
		kind: (typeof t.alertKindEnum.enumValues)[number],
		severity: 'warning' | 'critical',
		at: Date,
		resolvedAt: Date | null = null
	) =>
		db.insert(t.alerts).values({
			stayId,
			kind,
			severity,
			status: resolvedAt ? 'resolved' : 'open',
			firstTriggeredAt: at,
			lastTriggeredAt: at,
			openedAt: at,
			resolvedAt,
			outcome: resolvedAt ? 'rechecked_normal' : null
		});
	await alert(s1.id, 'fever', 'warning', L('2026-03-01 18:00'), L('2026-03-02 08:00'));
	await alert(s3.id, 'unreachable', 'critical', L('2026-03-02 19:00'));
	await alert(s3.id, 'delivery_overdue', 'warning', L('2026-03-03 11:00'));

	// Calls to S3: no answer in the evening of 2 Mar; no answer on 3 Mar 16:30, then a self-report at 18:00.
	const call = (attemptedAt: Date, slotDate: string) =>
		db.insert(t.calls).values({
			stayId: s3.id,
			attemptedAt,
			slot: 'evening',
			slotDate,
			outcome: 'no_answer',
			idempotencyKey: uniqueKey('call')
		});
	await call(L('2026-03-02 17:00'), '2026-03-02');
	await call(L('2026-03-03 16:30'), '2026-03-03');
	await db.insert(t.readings).values({
		stayId: s3.id,
		takenAt: L('2026-03-03 18:00'),
		slot: 'evening',
		slotDate: '2026-03-03',
		source: 'self_report',
		temperature: 36.5,
		idempotencyKey: uniqueKey('reading')
	});
	// Rooms: R2 cleaned 2 Mar 13:00 (after S2 left); R1 cleaned only on 3 Mar 17:00 (after S1's handover).
	const clean = (roomId: string, at: Date) =>
		db.insert(t.auditLog).values({ action: 'mark_clean', entity: 'room', entityId: roomId, at });
	await clean(r2.id, L('2026-03-02 13:00'));
	await clean(r1.id, L('2026-03-03 17:00'));

	ids = { r2: r2.id, c1: c1.id, k1: k1.id, central: central.id, s6: s6.id, e: E.id };
});

afterAll(async () => {
	await tdb?.destroy();
});

/** The figures that matter, flattened for one comparison. */
function flat(f: Awaited<ReturnType<typeof dailyReport>>['total']) {
	return {
		centralised: f.observing.centralised,
		homeIsolation: f.observing.home_isolation,
		homeMonitoring: f.observing.home_monitoring,
		admittedToday: f.admittedToday,
		releasedToday: f.releasedToday,
		releasedTotal: f.releasedTotal,
		transferredToday: f.transferredToday,
		transferredTotal: f.transferredTotal,
		closeContactsTotal: f.closeContactsTotal,
		critical: f.alerts.critical,
		warning: f.alerts.warning,
		byKind: f.alerts.byKind,
		unreached: f.unreached,
		deliveriesOverdue: f.deliveriesOverdue,
		occupied: f.occupied,
		capacity: f.capacity,
		awaitingDisinfection: f.awaitingDisinfection,
		releasesDue: f.releasesDue
	};
}

const site = (r: { sites: { id: string; figures: Parameters<typeof flat>[0] }[] }, id: string) =>
	flat(r.sites.find((s) => s.id === id)!.figures);

const zero = flat(emptyFigures());

/** Hand-counted, per site, as of the end of each day. */
const EXPECTED = {
	// End of 1 Mar: S1 and S2 at C1, S6 at home; S1's fever active; S6 due 4 Mar.
	'2026-03-01': {
		c1: {
			...zero,
			centralised: 2,
			admittedToday: 2,
			closeContactsTotal: 2,
			warning: 1,
			byKind: { fever: 1 }
		},
		k1: { ...zero, homeIsolation: 1, releasesDue: 1 }
	},
	// End of 2 Mar: S1 handed over (home monitoring), S2 in hospital, S3 admitted and unreached in the
	// evening slot; S5 not yet entered; R1 waits for disinfection, R2 was cleaned; S3 and S6 due within 7 days.
	'2026-03-02': {
		c1: { ...zero, transferredToday: 1, transferredTotal: 1, closeContactsTotal: 2 },
		k1: {
			...zero,
			homeIsolation: 2,
			homeMonitoring: 1,
			admittedToday: 1,
			critical: 1,
			byKind: { unreachable: 1 },
			unreached: 1,
			releasesDue: 2
		}
	},
	// End of 3 Mar: S5 (entered today) and S4 at C1; S1 released; S3 heard from by its self-report; the
	// delivery overdue; S3's release moved to 10 Mar by the extension, still within 7 days, as is S6.
	'2026-03-03': {
		c1: { ...zero, centralised: 2, admittedToday: 2, transferredTotal: 1, closeContactsTotal: 3 },
		k1: {
			...zero,
			homeIsolation: 2,
			releasedToday: 1,
			releasedTotal: 1,
			critical: 1,
			warning: 1,
			byKind: { unreachable: 1, delivery_overdue: 1 },
			deliveriesOverdue: 1,
			releasesDue: 2
		}
	}
} as const;
const ROOMS = {
	'2026-03-01': { occupied: 2, capacity: 3, awaitingDisinfection: 0 },
	'2026-03-02': { occupied: 0, capacity: 3, awaitingDisinfection: 1 },
	'2026-03-03': { occupied: 2, capacity: 3, awaitingDisinfection: 0 }
} as const;

describe('the daily report', () => {
	for (const date of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
		it(`counts every figure of ${date} as of the end of that day`, async () => {
			const r = await dailyReport(admin, date);
			const c1 = { ...EXPECTED[date].c1, ...ROOMS[date] };
			expect(site(r, ids.c1!)).toEqual(c1);
			expect(site(r, ids.k1!)).toEqual(EXPECTED[date].k1);
			// A resident admitted twice (S1, S4) counts once among close contacts.
			expect(r.total.closeContactsTotal).toBe(c1.closeContactsTotal);
			expect(r.total.observing.centralised).toBe(c1.centralised);
		});
	}

	it('shows staff their own site only', async () => {
		const r = await dailyReport(c1Staff, '2026-03-03');
		expect(r.sites.map((s) => s.id)).toEqual([ids.c1]);
		expect(flat(r.total)).toEqual({ ...EXPECTED['2026-03-03'].c1, ...ROOMS['2026-03-03'] });
	});
});

describe('the dashboard', () => {
	// 3 Mar 20:00: the evening slot is open, S3 has self-reported in it.
	const NOW = L('2026-03-03 20:00');

	it('shows every figure of today so far', async () => {
		const d = await dashboard(admin, NOW);
		expect(d.today).toBe('2026-03-03');
		// Rooms now come from the rooms themselves: both are occupied.
		expect(site(d, ids.c1!)).toEqual({
			...EXPECTED['2026-03-03'].c1,
			occupied: 2,
			capacity: 3,
			awaitingDisinfection: 0
		});
		expect(site(d, ids.k1!)).toEqual(EXPECTED['2026-03-03'].k1);
	});

	it('draws the census, the flows, the alerts and the upcoming releases', async () => {
		const { charts } = await dashboard(admin, NOW);
		const at = (date: string) => charts.days.indexOf(date);
		expect(charts.days).toHaveLength(30);
		expect(charts.days.at(-1)).toBe('2026-03-03');
		expect(charts.census.centralised[at('2026-03-01')]).toBe(2);
		expect(charts.census.home_isolation[at('2026-03-01')]).toBe(1);
		expect(charts.census.home_monitoring[at('2026-03-02')]).toBe(1);
		expect(charts.census.home_isolation[at('2026-03-02')]).toBe(2);
		expect(charts.census.centralised[at('2026-03-03')]).toBe(2);
		expect(charts.census.home_isolation[at('2026-02-24')]).toBe(0);
		expect(charts.census.home_isolation[at('2026-02-25')]).toBe(1);
		expect(charts.admitted.reduce((a, b) => a + b, 0)).toBe(6);
		expect(charts.admitted[at('2026-03-01')]).toBe(2);
		expect(charts.admitted[at('2026-03-02')]).toBe(1);
		expect(charts.admitted[at('2026-03-03')]).toBe(2);
		expect(charts.released[at('2026-03-03')]).toBe(1);
		expect(charts.alerts.fever?.[at('2026-03-01')]).toBe(1);
		expect(charts.alerts.unreachable?.[at('2026-03-02')]).toBe(1);
		expect(charts.alerts.delivery_overdue?.[at('2026-03-03')]).toBe(1);
		// Kinds in their fixed order, only those raised.
		expect(Object.keys(charts.alerts)).toEqual(['fever', 'unreachable', 'delivery_overdue']);
		// S6 on 4 Mar, S3 on 10 Mar, S5 on 12 Mar, S4 on 13 Mar.
		const up = Object.fromEntries(charts.upcomingDays.map((d, i) => [d, charts.upcoming[i]]));
		expect(up).toMatchObject({ '2026-03-04': 1, '2026-03-10': 1, '2026-03-12': 1, '2026-03-13': 1 });
		expect(charts.upcoming.reduce((a, b) => a + b, 0)).toBe(4);
	});
});

describe('the live figures read from the stays', () => {
	// Run before the later blocks add stays: the record as it stands at NOW.
	const NOW = L('2026-03-03 20:00');
	const sorted = <T>(rows: T[]) => [...rows].map((r) => JSON.stringify(r)).sort();

	it('agree with the same figures counted from the event history', async () => {
		const db = tdb.db;
		const all = [ids.c1!, ids.k1!];
		const slot = {
			slot: 'evening' as const,
			slotDate: '2026-03-03',
			opened: slotStart('evening', '2026-03-03', ZONE)
		};
		const observing = await q.observingNow(db, all);
		expect(observing.length).toBeGreaterThan(0);
		expect(sorted(observing)).toEqual(sorted(await q.observingAt(db, all, NOW)));
		const due = await q.releasesDueNow(db, all, NOW, ZONE, 7, 14);
		expect(due.length).toBeGreaterThan(0);
		expect(sorted(due)).toEqual(sorted(await q.releasesDue(db, all, NOW, ZONE, 7, 14)));
		const alerts = await q.activeAlertsNow(db, all);
		expect(alerts.length).toBeGreaterThan(0);
		expect(sorted(alerts)).toEqual(sorted(await q.activeAlerts(db, all, NOW)));
		expect(sorted(await q.unreachedNow(db, [ids.k1!], NOW, slot))).toEqual(
			sorted(await q.unreached(db, [ids.k1!], NOW, slot))
		);
		// The evening of 2 Mar: S3 was unreached, and both ways count it.
		const before = L('2026-03-02 23:00');
		const slot2 = {
			slot: 'evening' as const,
			slotDate: '2026-03-02',
			opened: slotStart('evening', '2026-03-02', ZONE)
		};
		expect(await q.unreached(db, [ids.k1!], before, slot2)).toEqual([{ site_id: ids.k1, n: 1 }]);
		expect(await q.unreachedNow(db, [ids.k1!], before, slot2)).toEqual([{ site_id: ids.k1, n: 1 }]);
	});

	it('add up to the totals: those known before the day plus those of the day', async () => {
		const db = tdb.db;
		const all = [ids.c1!, ids.k1!];
		const dayStart = L('2026-03-03 00:00');
		const whole = await q.closeContacts(db, all, NOW);
		const before = await q.closeContacts(db, all, dayStart);
		const since = await q.closeContactsSince(db, all, dayStart, NOW);
		const n = (rows: { site_id: string | null; n: number }[], id: string | null) =>
			rows.find((r) => r.site_id === id)?.n ?? 0;
		for (const id of [ids.c1!, ids.k1!, null]) expect(n(before, id) + n(since, id)).toBe(n(whole, id));
		// S5 (D) was entered on 3 Mar: a new close contact at C1 that day; S4 (A) was counted before.
		expect(n(since, ids.c1!)).toBe(1);
		const flowsWhole = await q.flows(db, all, dayStart, NOW);
		const flowsBefore = await q.flows(db, all, dayStart, dayStart);
		const flowsSince = await q.flows(db, all, dayStart, NOW, dayStart);
		for (const id of all) {
			const f = (rows: q.FlowRow[]) => rows.find((r) => r.site_id === id);
			expect((f(flowsBefore)?.released_total ?? 0) + (f(flowsSince)?.released_total ?? 0)).toBe(
				f(flowsWhole)?.released_total ?? 0
			);
			expect(f(flowsSince)?.admitted_today ?? 0).toBe(f(flowsWhole)?.admitted_today ?? 0);
		}
	});
});

describe('rooms awaiting disinfection in a past report', () => {
	it('counts a room left by a transfer until it is marked clean', async () => {
		const db = tdb.db;
		const site = await makeSite(db, { createdAt: L('2026-04-01 08:00') });
		const a = await makeRoom(db, site.id, { createdAt: L('2026-04-01 08:00') });
		const b = await makeRoom(db, site.id, { createdAt: L('2026-04-01 08:00') });
		const person = await makeResident(db, ids.k1!);
		const plan = (await db.select().from(t.plans).where(eq(t.plans.id, ids.central!)))[0]!;
		const [s] = await db
			.insert(t.stays)
			.values({
				residentId: person.id,
				siteId: site.id,
				roomId: b.id,
				homeCommunityId: ids.k1!,
				planId: plan.id,
				planPhases: plan.phases,
				planCountsFrom: 'admission',
				category: 'inbound',
				admittedAt: L('2026-04-02 09:00'),
				periodStart: L('2026-04-02 09:00'),
				releaseDueAt: L('2026-04-12 09:00'),
				idempotencyKey: uniqueKey('stay')
			})
			.returning();
		const ev = (kind: 'admitted' | 'room_transferred', at: Date, data: Record<string, unknown>) =>
			db
				.insert(t.stayEvents)
				.values({ stayId: s!.id, kind, siteId: site.id, occurredAt: at, recordedAt: at, data });
		await ev('admitted', L('2026-04-02 09:00'), { roomId: a.id });
		await ev('room_transferred', L('2026-04-03 10:00'), { fromRoomId: a.id, toRoomId: b.id });
		await db
			.insert(t.auditLog)
			.values({ action: 'mark_clean', entity: 'room', entityId: a.id, at: L('2026-04-04 11:00') });
		const line = async (date: string) =>
			(await dailyReport(admin, date)).sites.find((x) => x.id === site.id)!.figures;
		expect(await line('2026-04-02')).toMatchObject({ awaitingDisinfection: 0, occupied: 1, capacity: 2 });
		expect(await line('2026-04-03')).toMatchObject({ awaitingDisinfection: 1, occupied: 1 });
		expect(await line('2026-04-04')).toMatchObject({ awaitingDisinfection: 0, occupied: 1 });
	});
});

describe('a past report', () => {
	it('does not change after later admissions, outcomes and late entries', async () => {
		const before = await dailyReport(admin, '2026-03-02');
		// Live pages hear of the admission (a stay change) on the alerts channel.
		const hub = createLiveHub(tdb);
		let heard: (c: AlertChange) => void = () => {};
		const change = new Promise<AlertChange>((resolve) => (heard = resolve));
		const stop = await hub.subscribe((c) => {
			if (c.topic === 'stays') heard(c);
		});
		const staff = await makeStaff(tdb.db, 'site_staff', [ids.c1!, ids.k1!]);
		const first17 = '41081119900302123';
		const admitted = await admit(
			staff,
			admissionSchema.parse({
				name: '新入住',
				idType: 'resident_id',
				idNumber: first17 + idCheckChar(first17),
				phone: '13911112222',
				homeAddress: '焦作市山阳区测试路 9 号',
				homeCommunityId: ids.k1,
				category: 'close_contact',
				planId: ids.central,
				roomId: ids.r2,
				idempotencyKey: uniqueKey('adm')
			})
		);
		expect(admitted.ok).toBe(true);
		expect(await change).toEqual({ stayId: '', siteId: ids.c1, topic: 'stays' });
		stop();
		await hub.close();
		// S6 moves away, entered today but dated back to 2 Mar 10:00.
		const [s6] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, ids.s6!));
		const outcome = await recordOutcome(
			staff,
			outcomeSchema.parse({
				stayId: ids.s6,
				version: s6!.version,
				idempotencyKey: uniqueKey('out'),
				outcome: 'moved_away',
				occurredAt: '2026-03-02T10:00',
				reason: '迁出本市'
			}),
			ids.e!
		);
		expect(outcome.ok).toBe(true);
		const after = await dailyReport(admin, '2026-03-02');
		expect(after).toEqual(before);
		// Today's dashboard does see both.
		const now = await dashboard(admin);
		expect(now.total.admittedToday).toBe(1);
		expect(now.total.observing.home_isolation).toBe(1);
	});
});

describe('exports', () => {
	const base = { from: '2026-03-01', to: '2026-03-03', reveal: false, reason: '' };
	const NOW = L('2026-03-05 09:00');

	it('lists the residents a site had in the range, masked, and audits the export', async () => {
		const r = await exportCsv(c1Staff, { ...base, siteId: ids.c1!, kind: 'residents' }, '10.0.0.9', NOW);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.csv.charCodeAt(0)).toBe(0xfeff);
		const lines = r.csv.slice(1).trim().split('\r\n');
		expect(lines[0]).toMatch(/^姓名,证件号码,手机号,/);
		// S1, S2, S4, S5 were at C1 in those days (S1 before its handover); S3 and S6 never were.
		expect(lines).toHaveLength(1 + 4);
		expect(r.csv).toMatch(/4108\*{10}\d{3}[\dX]/);
		expect(r.csv).not.toMatch(/\d{17}[\dX]/);
		expect(r.csv).toMatch(/138\*{4}\d{4}/);
		const [row] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(eq(t.auditLog.action, 'export'))
			.orderBy(desc(t.auditLog.id))
			.limit(1);
		expect(row).toMatchObject({ entity: 'site', entityId: ids.c1, actorId: c1Staff.userId, ip: '10.0.0.9' });
		expect(row!.after).toMatchObject({ kind: 'residents', rows: 4, masked: true });
	});

	it('gives full details only to an admin with a reason, and keeps the reason', async () => {
		const staff = await exportCsv(
			c1Staff,
			{ ...base, siteId: ids.c1!, kind: 'residents', reveal: true, reason: '核对' },
			null,
			NOW
		);
		expect(staff).toEqual({ ok: false, error: 'reveal_not_allowed', field: 'reveal' });
		const r = await exportCsv(
			admin,
			{ ...base, siteId: ids.c1!, kind: 'residents', reveal: true, reason: '流调核对' },
			null,
			NOW
		);
		expect(r.ok && r.csv).toMatch(/\d{17}[\dX]/);
		const [row] = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.action, 'export_unmasked'));
		expect(row!.after).toMatchObject({ masked: false, reason: '流调核对' });
	});

	it('exports the readings and alerts of the range', async () => {
		const readings = await exportCsv(admin, { ...base, siteId: ids.k1!, kind: 'readings' }, null, NOW);
		expect(readings.ok && readings.csv.slice(1).trim().split('\r\n')).toHaveLength(2);
		expect(readings.ok && readings.csv).toContain('36.5');
		const alerts = await exportCsv(admin, { ...base, siteId: ids.k1!, kind: 'alerts' }, null, NOW);
		// At K1: S3's two alerts, and S1's fever (S1 was handed over to K1).
		expect(alerts.ok && alerts.csv.slice(1).trim().split('\r\n')).toHaveLength(4);
		expect(alerts.ok && alerts.csv).toContain('联系不上,严重');
	});

	it('refuses another site, and a range that is not over', async () => {
		expect(await exportCsv(c1Staff, { ...base, siteId: ids.k1!, kind: 'residents' }, null, NOW)).toEqual({
			ok: false,
			error: 'site_not_found',
			field: 'siteId'
		});
		expect(
			await exportCsv(admin, { ...base, to: '2026-03-06', siteId: ids.c1!, kind: 'residents' }, null, NOW)
		).toEqual({ ok: false, error: 'date_future', field: 'to' });
	});
});

describe('the alerts chart of every active site', () => {
	it('leaves out the alerts of stays managed by a closed site', async () => {
		const db = tdb.db;
		const NOW = L('2026-03-03 20:00');
		const before = (await dashboard(admin, NOW)).charts.alerts;
		const closed = await makeSite(db, { code: 'FX-CLOSED', name: '已关闭隔离点', active: false });
		const someone = await makeResident(db, ids.k1!);
		const plan = await makePlan(db, 'ed9-home-7');
		const [stay] = await db
			.insert(t.stays)
			.values({
				residentId: someone.id,
				siteId: closed.id,
				homeCommunityId: ids.k1!,
				planId: plan.id,
				planPhases: plan.phases,
				planCountsFrom: 'admission',
				category: 'close_contact',
				admittedAt: L('2026-03-01 09:00'),
				periodStart: L('2026-03-01 09:00'),
				releaseDueAt: L('2026-03-08 09:00'),
				idempotencyKey: uniqueKey('stay')
			})
			.returning();
		await db.insert(t.alerts).values({
			stayId: stay!.id,
			kind: 'fever',
			severity: 'warning',
			firstTriggeredAt: L('2026-03-02 10:00'),
			lastTriggeredAt: L('2026-03-02 10:00'),
			openedAt: L('2026-03-02 10:00')
		});
		expect((await dashboard(admin, NOW)).charts.alerts).toEqual(before);
		expect(before.fever?.reduce((a, b) => a + b, 0)).toBe(1);
	});
});
