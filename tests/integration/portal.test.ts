import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { DAY_MS, HOUR_MS, schedule } from '../../src/lib/domain/plan';
import { inbox } from '../../src/lib/server/alerts';
import * as t from '../../src/lib/server/db/schema';
import { portalHelp, portalHome, portalTests, selfReport } from '../../src/lib/server/portal';
import { extend, releaseStay } from '../../src/lib/server/stays';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
let admin: Principal;
const now = new Date('2026-11-24T02:00:00Z'); // 10:00 in Shanghai

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	await tdb.db.update(t.sites).set({ phone: '0391-1111111' }).where(eq(t.sites.id, ground.site.id));
	await tdb.db.update(t.sites).set({ phone: '0391-2222222' }).where(eq(t.sites.id, ground.community.id));
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士甲');
	admin = await makeStaff(tdb.db, 'admin');
});
afterAll(async () => {
	await tdb?.destroy();
});

/** A resident two days into a 7+3 stay in a room, with their own account, as the session would see them. */
async function residentOnDay3(siteId = ground.site.id) {
	const room = await makeRoom(tdb.db, siteId, { status: 'occupied' });
	const r = await makeResident(tdb.db, ground.community.id);
	const start = new Date(now.getTime() - 2 * DAY_MS - 3 * HOUR_MS);
	const sched = schedule(start, ground.plan.phases);
	const stay = await makeStay(
		tdb.db,
		{
			residentId: r.id,
			siteId,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id,
			roomId: room.id
		},
		{ admittedAt: start, periodStart: start, releaseDueAt: sched.releaseAt }
	);
	const [user] = await tdb.db
		.insert(t.users)
		.values({ role: 'resident', displayName: '隔离人员', residentId: r.id })
		.returning();
	const me: Principal = {
		userId: user!.id,
		role: 'resident',
		siteIds: [],
		residentId: r.id,
		readOnly: false
	};
	return { stay, room, resident: r, me, sched };
}

const report = (temperature: number, over: Partial<Parameters<typeof selfReport>[1]> = {}) => ({
	temperature,
	spo2: null,
	symptoms: [] as never[],
	confirmRare: false,
	idempotencyKey: uniqueKey('self'),
	...over
});

describe('the resident portal home', () => {
	it('counts down to release and names what is still needed, by plan day', async () => {
		const { me, sched } = await residentOnDay3();
		const home = (await portalHome(me.residentId!, now))!;
		expect(home.status).toBe('active');
		expect(home.releaseAt).toEqual(sched.releaseAt);
		// 10 days from the start, 2 days 3 hours gone: 7 days 21 hours left.
		expect(home.countdown).toMatchObject({ state: 'running', days: 7, hours: 21, minutes: 0 });
		const pending = home.needs.filter((n) => n.code === 'test_pending').map((n) => n.day);
		expect(pending).toEqual([1, 2, 3, 5, 7, 10]);
		expect(home.checkIns.map((c) => c.state)).toEqual(['due', 'upcoming']);
		expect(home.selfReport).toBe(true);
	});

	it('after an extension says by how much and why, and after release offers the notice', async () => {
		const { me, stay, sched } = await residentOnDay3();
		const ext = await extend(
			nurse,
			{
				stayId: stay.id,
				version: stay.version,
				idempotencyKey: uniqueKey('x'),
				mode: 'days',
				days: 2,
				reason: '同住人阳性',
				untilDate: ''
			},
			null,
			null,
			now
		);
		expect(ext.ok).toBe(true);
		const home = (await portalHome(me.residentId!, now))!;
		expect(home.extension).toMatchObject({ days: 2, reason: '同住人阳性' });
		expect(home.extension!.previousReleaseAt).toEqual(sched.releaseAt);
		expect(home.releaseAt).toEqual(new Date(sched.releaseAt.getTime() + 2 * DAY_MS));
		expect(home.countdown.days).toBe(9);

		const released = await releaseStay(
			admin,
			{
				stayId: stay.id,
				version: stay.version + 1,
				idempotencyKey: uniqueKey('r'),
				override: true,
				overrideReason: '转为居家'
			},
			null,
			null,
			now
		);
		expect(released.ok).toBe(true);
		const after = (await portalHome(me.residentId!, now))!;
		expect(after.status).toBe('released');
		expect(after.countdown.state).toBe('released');
		expect(after.noticeStayId).toBe(stay.id);
		expect(after.needs).toEqual([]);
		expect(after.selfReport).toBe(false);
	});
});

describe('self-report', () => {
	it('37.6 °C is recorded as a self-report, raises a fever alert staff see, and tells the resident staff know', async () => {
		const { me, stay, resident } = await residentOnDay3();
		const res = await selfReport(me, report(37.6), null, now);
		expect(res).toMatchObject({ ok: true, advice: 'staff_told', alerts: ['fever'] });
		const [reading] = await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stay.id));
		expect(reading).toMatchObject({ source: 'self_report', temperature: 37.6, recordedBy: me.userId });
		const seen = (await inbox(nurse)).rows.filter((a) => a.stayId === stay.id);
		expect(seen.map((a) => [a.kind, a.name])).toEqual([['fever', resident.name]]);
		// The morning check-in now shows as done with the value.
		const home = (await portalHome(me.residentId!, now))!;
		expect(home.checkIns[0]).toMatchObject({ state: 'done', reading: { temperature: 37.6 } });
	});

	it('SpO2 91 tells the resident to call the site now, with its number', async () => {
		const { me } = await residentOnDay3();
		expect(await selfReport(me, report(36.8, { spo2: 91 }), null, now)).toMatchObject({
			ok: true,
			advice: 'call_now',
			sitePhone: '0391-1111111',
			alerts: ['hypoxia']
		});
	});

	it('records a report sent twice once', async () => {
		const { me, stay } = await residentOnDay3();
		const input = report(36.5);
		expect(await selfReport(me, input, null, now)).toMatchObject({
			ok: true,
			replayed: false,
			advice: 'normal'
		});
		expect(await selfReport(me, input, null, now)).toMatchObject({ ok: true, replayed: true });
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stay.id))).toHaveLength(1);
	});

	it('is refused where the site switched it off, and for a released resident, recording nothing', async () => {
		const g = await makeGround(tdb.db);
		await tdb.db
			.update(t.sites)
			.set({ settings: { selfReport: false } })
			.where(eq(t.sites.id, g.site.id));
		const { me, stay } = await residentOnDay3(g.site.id);
		expect(await selfReport(me, report(36.5), null, now)).toEqual({ ok: false, error: 'not_allowed' });
		expect((await portalHome(me.residentId!, now))!.selfReport).toBe(false);
		expect(await selfReport({ ...me, readOnly: true }, report(36.5), null, now)).toEqual({
			ok: false,
			error: 'read_only'
		});
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stay.id))).toHaveLength(0);
	});

	it('never records for staff through the resident path', async () => {
		expect(await selfReport(nurse, report(36.5), null, now)).toEqual({ ok: false, error: 'not_allowed' });
	});
});

describe('tests and help', () => {
	it("lists the plan's tests with their state and the phones to call", async () => {
		const { me, stay } = await residentOnDay3();
		const [first] = (await portalTests(me.residentId!))!.tests;
		await tdb.db.insert(t.tests).values({
			stayId: stay.id,
			phaseIndex: 0,
			phaseDay: 1,
			dueFrom: first!.from,
			dueUntil: first!.until,
			sampledAt: first!.from,
			result: 'negative',
			resultAt: first!.from,
			idempotencyKey: uniqueKey('t')
		});
		const tests = (await portalTests(me.residentId!))!.tests;
		expect(tests.map((x) => x.state)).toEqual([
			'negative',
			'not_sampled',
			'not_sampled',
			'not_sampled',
			'not_sampled',
			'not_sampled'
		]);
		const help = await portalHelp(me.residentId!, '12356');
		expect(help.site).toMatchObject({ phone: '0391-1111111' });
		expect(help.community).toMatchObject({ phone: '0391-2222222' });
		expect(help.psychLine).toBe('12356');
	});
});
