import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { DAY_MS, HOUR_MS, schedule, testWindows } from '../../src/lib/domain/plan';
import { admissionOptions } from '../../src/lib/server/admission/admit';
import { issueAccessCode } from '../../src/lib/server/auth/access-codes';
import { markRoomClean } from '../../src/lib/server/rooms';
import * as t from '../../src/lib/server/db/schema';
import { extend, handOver, recordOutcome, releaseList, releaseStay } from '../../src/lib/server/stays';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
let admin: Principal;
const now = new Date('2026-11-24T04:00:00Z');

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士甲');
	admin = await makeStaff(tdb.db, 'admin');
});
afterAll(async () => {
	await tdb?.destroy();
});

/** A 7+3 stay in its own room that started `daysAgo` days before `now`, with a sign-in code. */
async function stayStarted(
	daysAgo: number,
	opts: { tests?: 'all' | 'none' | 'all_but_last'; temps?: number[] } = {}
) {
	const room = await makeRoom(tdb.db, ground.site.id, { status: 'occupied' });
	const r = await makeResident(tdb.db, ground.community.id);
	const start = new Date(now.getTime() - daysAgo * DAY_MS);
	const sched = schedule(start, ground.plan.phases);
	const s = await makeStay(
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
	await issueAccessCode(tdb.db, s.id, null, start, '12345678');
	const windows = testWindows(sched, ground.plan.phases);
	const taken = opts.tests === 'none' ? [] : opts.tests === 'all_but_last' ? windows.slice(0, -1) : windows;
	for (const w of taken) {
		const at = new Date(w.from.getTime() + HOUR_MS);
		await tdb.db.insert(t.tests).values({
			stayId: s.id,
			phaseIndex: w.phaseIndex,
			phaseDay: w.day,
			dueFrom: w.from,
			dueUntil: w.until,
			sampledAt: at,
			result: 'negative',
			resultAt: at,
			idempotencyKey: uniqueKey('test')
		});
	}
	for (const [i, temperature] of (opts.temps ?? [36.5, 36.6]).entries()) {
		const takenAt = new Date(now.getTime() - (i + 1) * 6 * HOUR_MS);
		await tdb.db.insert(t.readings).values({
			stayId: s.id,
			takenAt,
			slot: 'extra',
			slotDate: '2026-11-24',
			source: 'staff_round',
			temperature,
			idempotencyKey: uniqueKey('r')
		});
	}
	return { stay: s, room, resident: r, sched };
}

const guarded = (stay: { id: string; version: number }) => ({
	stayId: stay.id,
	version: stay.version,
	idempotencyKey: uniqueKey('k')
});
const stayRow = async (id: string) => (await tdb.db.select().from(t.stays).where(eq(t.stays.id, id)))[0]!;
const roomRow = async (id: string) => (await tdb.db.select().from(t.rooms).where(eq(t.rooms.id, id)))[0]!;
const codeRow = async (stayId: string) =>
	(
		await tdb.db
			.select()
			.from(t.accessCodes)
			.where(and(eq(t.accessCodes.stayId, stayId)))
	)[0]!;

describe('release', () => {
	it('is refused with reasons while a test is pending, and changes nothing', async () => {
		const { stay, room } = await stayStarted(11, { tests: 'all_but_last' });
		const res = await releaseStay(
			nurse,
			{ ...guarded(stay), override: false, overrideReason: '' },
			null,
			null,
			now
		);
		expect(res).toMatchObject({ ok: false, error: 'blocked', detail: { blockedBy: ['test_not_sampled'] } });
		expect((await stayRow(stay.id)).status).toBe('active');
		expect((await roomRow(room.id)).status).toBe('occupied');
		expect((await codeRow(stay.id)).status).toBe('active');
	});

	it('releases a stay that meets the checklist: room to disinfection, bed freed, code read-only', async () => {
		const { stay, room } = await stayStarted(11);
		expect((await roomRow(room.id)).occupants).toBe(1);
		const input = { ...guarded(stay), override: false, overrideReason: '' };
		const res = await releaseStay(nurse, input, stay.residentId, '127.0.0.1', now);
		expect(res).toMatchObject({ ok: true, replayed: false, value: { overridden: false } });
		const after = await stayRow(stay.id);
		expect(after).toMatchObject({ status: 'released', outcomeBy: nurse.userId, version: stay.version + 1 });
		expect(after.outcomeAt).toEqual(now);
		expect(await roomRow(room.id)).toMatchObject({ status: 'needs_disinfection', occupants: 0 });
		const code = await codeRow(stay.id);
		expect(code.status).toBe('read_only');
		expect(code.expiresAt).toEqual(new Date(now.getTime() + 30 * DAY_MS));
		const events = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id));
		expect(events.map((e) => [e.kind, e.actorId])).toEqual([['released', nurse.userId]]);

		// The same form sent again records nothing more.
		const again = await releaseStay(nurse, input, stay.residentId, null, now);
		expect(again).toMatchObject({ ok: true, replayed: true });
		expect(await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id))).toHaveLength(1);
		// A new request on the ended stay is refused.
		const late = await releaseStay(
			nurse,
			{ ...guarded(after), override: false, overrideReason: '' },
			null,
			null,
			now
		);
		expect(late).toMatchObject({ ok: false, error: 'stay_ended' });
	});

	it('lets only an admin override the checklist, with a reason', async () => {
		const { stay } = await stayStarted(3, { tests: 'none' });
		const asNurse = await releaseStay(
			nurse,
			{ ...guarded(stay), override: true, overrideReason: 'x' },
			null,
			null,
			now
		);
		expect(asNurse).toMatchObject({ ok: false, error: 'override_not_allowed' });
		const noReason = await releaseStay(
			admin,
			{ ...guarded(stay), override: true, overrideReason: ' ' },
			null,
			null,
			now
		);
		expect(noReason).toMatchObject({ ok: false, error: 'override_reason_required' });
		const ok = await releaseStay(
			admin,
			{ ...guarded(stay), override: true, overrideReason: '指挥部批准转外地' },
			null,
			null,
			now
		);
		expect(ok).toMatchObject({ ok: true, value: { overridden: true } });
		expect(await stayRow(stay.id)).toMatchObject({ status: 'released', outcomeReason: '指挥部批准转外地' });
	});

	it('refuses a form older than the last change to the stay', async () => {
		const { stay } = await stayStarted(11);
		const ext = await extend(
			nurse,
			{ ...guarded(stay), mode: 'days', days: 1, reason: '复核' },
			null,
			null,
			now
		);
		expect(ext.ok).toBe(true);
		const res = await releaseStay(
			nurse,
			{ ...guarded(stay), override: false, overrideReason: '' },
			null,
			null,
			now
		);
		expect(res).toMatchObject({ ok: false, error: 'stale' });
	});

	it('does not act on another resident’s stay', async () => {
		const { stay } = await stayStarted(11);
		const other = await makeResident(tdb.db, ground.community.id);
		const res = await releaseStay(
			nurse,
			{ ...guarded(stay), override: false, overrideReason: '' },
			other.id,
			null,
			now
		);
		expect(res).toMatchObject({ ok: false, error: 'not_found' });
	});

	it('lists who is ready and who is blocked, and by what', async () => {
		const { stay: ready } = await stayStarted(11);
		const { stay: feverish } = await stayStarted(11, { temps: [37.6, 36.5] });
		const { stay: early } = await stayStarted(2);
		const list = await releaseList(ground.site.id, now);
		const ids = (rows: { stayId: string }[]) => rows.map((r) => r.stayId);
		expect(ids(list.ready)).toContain(ready.id);
		expect(ids(list.blocked)).toContain(feverish.id);
		expect(ids([...list.ready, ...list.blocked])).not.toContain(early.id);
		const row = list.blocked.find((r) => r.stayId === feverish.id)!;
		expect(row.criteria.find((c) => c.criterion === 'temperatures')!.blocks).toEqual([
			{ code: 'fever_last_24h', value: 37.6 }
		]);
	});
});

describe('terminal disinfection', () => {
	it('a released room is offered at admission only after staff mark it clean', async () => {
		const { stay, room } = await stayStarted(11);
		await releaseStay(nurse, { ...guarded(stay), override: false, overrideReason: '' }, null, null, now);
		const offered = async () => (await admissionOptions(nurse)).rooms.map((r) => r.id);
		expect(await offered()).not.toContain(room.id);
		const cleanAt = new Date(now.getTime() + HOUR_MS);
		expect(await markRoomClean(nurse, ground.site.id, room.id, null, cleanAt)).toEqual({
			ok: true,
			status: 'available'
		});
		expect(await roomRow(room.id)).toMatchObject({
			status: 'available',
			cleanedBy: nurse.userId,
			cleanedAt: cleanAt
		});
		expect(await offered()).toContain(room.id);
		expect(await markRoomClean(nurse, ground.site.id, room.id)).toEqual({ ok: false, error: 'not_needed' });
		const elsewhere = await makeGround(tdb.db);
		expect(await markRoomClean(nurse, elsewhere.site.id, room.id)).toEqual({ ok: false, error: 'not_found' });
	});
});

describe('extension', () => {
	it('moves the release due, keeps the previous end in the history, and replays once', async () => {
		const { stay, sched } = await stayStarted(2);
		const input = { ...guarded(stay), mode: 'days' as const, days: 2, reason: '同住人阳性' };
		const res = await extend(nurse, input, stay.residentId, null, now);
		expect(res).toMatchObject({
			ok: true,
			value: { releaseDueAt: new Date(sched.releaseAt.getTime() + 2 * DAY_MS) }
		});
		const after = await stayRow(stay.id);
		expect(after.releaseDueAt).toEqual(new Date(sched.releaseAt.getTime() + 2 * DAY_MS));
		expect(after.extensions).toHaveLength(1);
		const [event] = await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id));
		expect(event!.data).toMatchObject({
			reason: '同住人阳性',
			previousReleaseDueAt: sched.releaseAt.toISOString(),
			previousPhaseEnd: sched.phases[0]!.end.toISOString(),
			phaseEnd: new Date(sched.phases[0]!.end.getTime() + 2 * DAY_MS).toISOString()
		});
		expect((await extend(nurse, input, null, null, now)).ok).toBe(true);
		expect((await stayRow(stay.id)).extensions).toHaveLength(1);
	});

	it('to a date that is not later is refused', async () => {
		const { stay } = await stayStarted(2);
		const res = await extend(
			nurse,
			{ ...guarded(stay), mode: 'until', untilDate: '2026-11-20', reason: 'x' },
			null,
			null,
			now
		);
		expect(res).toMatchObject({ ok: false, error: 'not_later' });
	});
});

describe('handover and other outcomes', () => {
	it('moves a finished centralised phase to home monitoring with the community, alerts included', async () => {
		const { stay, room } = await stayStarted(8);
		await tdb.db.insert(t.alerts).values({
			stayId: stay.id,
			kind: 'symptom',
			severity: 'warning',
			firstTriggeredAt: now,
			lastTriggeredAt: now
		});
		const early = await stayStarted(5);
		expect(await handOver(nurse, guarded(early.stay), null, null, now)).toMatchObject({
			ok: false,
			error: 'phase_not_over'
		});
		const res = await handOver(nurse, guarded(stay), null, null, now);
		expect(res).toMatchObject({ ok: true, value: { siteId: ground.community.id, phaseIndex: 1 } });
		expect(await stayRow(stay.id)).toMatchObject({
			siteId: ground.community.id,
			roomId: null,
			phaseIndex: 1,
			status: 'active'
		});
		expect(await roomRow(room.id)).toMatchObject({ status: 'needs_disinfection', occupants: 0 });
		const [alert] = await tdb.db.select().from(t.alerts).where(eq(t.alerts.stayId, stay.id));
		expect(alert!.status).toBe('open');
	});

	it('records a transfer to hospital with hospital, reason and time', async () => {
		const { stay, room } = await stayStarted(3);
		const noHospital = await recordOutcome(
			nurse,
			{ ...guarded(stay), outcome: 'transferred_hospital', occurredAt: '', hospital: '', reason: '发热' },
			null,
			null,
			now
		);
		expect(noHospital).toMatchObject({ ok: false, error: 'hospital_required' });
		const res = await recordOutcome(
			nurse,
			{
				...guarded(stay),
				outcome: 'transferred_hospital',
				occurredAt: '2026-11-24T10:30',
				hospital: '焦作市第三人民医院',
				reason: '核酸阳性'
			},
			null,
			null,
			now
		);
		expect(res.ok).toBe(true);
		const after = await stayRow(stay.id);
		expect(after).toMatchObject({
			status: 'transferred_hospital',
			outcomeReason: '核酸阳性',
			outcomeDetail: { hospital: '焦作市第三人民医院' }
		});
		expect(after.outcomeAt).toEqual(new Date('2026-11-24T02:30:00Z'));
		expect((await roomRow(room.id)).status).toBe('needs_disinfection');
	});
});

describe.runIf(engine === 'postgres')('concurrent changes on PostgreSQL', () => {
	it('a release and an extension of one stay at once end in one consistent state', async () => {
		for (let round = 0; round < 5; round++) {
			const { stay, sched } = await stayStarted(11);
			const [rel, ext] = await Promise.all([
				releaseStay(nurse, { ...guarded(stay), override: false, overrideReason: '' }, null, null, now),
				extend(nurse, { ...guarded(stay), mode: 'days', days: 1, reason: '复核' }, null, null, now)
			]);
			// Exactly one wins; the other is told the stay changed under it.
			expect([rel.ok, ext.ok].filter(Boolean)).toHaveLength(1);
			const loser = rel.ok ? ext : rel;
			expect(loser).toMatchObject({ ok: false });
			expect(['stale', 'stay_ended']).toContain((loser as { error: string }).error);
			const after = await stayRow(stay.id);
			const kinds = (await tdb.db.select().from(t.stayEvents).where(eq(t.stayEvents.stayId, stay.id))).map(
				(e) => e.kind
			);
			expect(after.version).toBe(stay.version + 1);
			if (rel.ok) {
				expect(after.status).toBe('released');
				expect(after.releaseDueAt).toEqual(sched.releaseAt);
				expect(after.extensions).toEqual([]);
				expect(kinds).toEqual(['released']);
			} else {
				expect(after.status).toBe('active');
				expect(after.releaseDueAt).toEqual(new Date(sched.releaseAt.getTime() + DAY_MS));
				expect(kinds).toEqual(['extended']);
			}
		}
	});
});
