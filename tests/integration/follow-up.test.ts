import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_KEY_MAX, callSchema, type CallInput } from '../../src/lib/schemas/call';
import { readingSchema } from '../../src/lib/schemas/reading';
import * as t from '../../src/lib/server/db/schema';
import {
	callHistory,
	callList,
	callSubject,
	handoverList,
	myDay,
	nextCall,
	nextInList,
	readingKeyOf,
	recordCall,
	savedCall
} from '../../src/lib/server/follow-up';
import { correctPhone } from '../../src/lib/server/residents';
import { raiseAlert, recordReading } from '../../src/lib/server/readings/record';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makePlan, makeResident, makeSite, makeStay, uniqueKey } from './helpers/factories';
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
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const DAY = 86_400_000;

/** A community with home isolators (7-day home isolation plan, admitted `daysIn` days before NOW). */
async function community() {
	const site = await makeSite(tdb.db, { kind: 'community' });
	const homePlan = await makePlan(tdb.db, 'ed9-home-7');
	const centralPlan = await makePlan(tdb.db, 'ed9-7+3');
	const clinician = await makeStaff(tdb.db, 'clinician', [site.id]);
	const add = async (
		over: Partial<typeof t.residents.$inferInsert> = {},
		opts: { plan?: 'home' | 'central'; daysIn?: number } = {}
	) => {
		const r = await makeResident(tdb.db, site.id, { birthDate: '1985-03-03', ...over });
		const admittedAt = new Date(NOW.getTime() - (opts.daysIn ?? 1) * DAY);
		return makeStay(
			tdb.db,
			{
				residentId: r.id,
				siteId: site.id,
				homeCommunityId: site.id,
				planId: (opts.plan === 'central' ? centralPlan : homePlan).id
			},
			{ admittedAt, periodStart: admittedAt }
		);
	};
	return { site, clinician, add };
}

const call = (stayId: string, over: Partial<CallInput> = {}): CallInput =>
	callSchema.parse({ stayId, outcome: 'no_answer', idempotencyKey: uniqueKey('call'), ...over });

const activeAlerts = (stayId: string, kind: (typeof t.alertKindEnum.enumValues)[number]) =>
	tdb.db
		.select()
		.from(t.alerts)
		.where(and(eq(t.alerts.stayId, stayId), eq(t.alerts.kind, kind)));

describe('the slot call list', () => {
	it('lists the home isolators of the clinician’s communities in risk order, with counts', async () => {
		const c = await community();
		const plain = await c.add({}, { daysIn: 3 });
		const older = await c.add({ birthDate: '1950-01-01' }, { daysIn: 1 });
		const warned = await c.add({}, { daysIn: 2 });
		const critical = await c.add({}, { daysIn: 2 });
		// Day 2 of 7 + 3: still in the centralised phase, so no call is due.
		const central = await c.add({}, { plan: 'central', daysIn: 1 });
		await tdb.db.transaction(async (tx) => {
			await raiseAlert(tx, warned.id, null, { kind: 'fever', severity: 'warning', value: {} }, NOW);
			await raiseAlert(tx, critical.id, null, { kind: 'hypoxia', severity: 'critical', value: {} }, NOW);
		});
		const other = await community();
		const elsewhere = await other.add();

		const list = await callList(c.clinician, {}, 30, NOW);
		expect(list).not.toBeNull();
		expect(list!.slot).toBe('morning');
		expect(list!.slotDate).toBe('2026-11-24');
		expect(list!.calls.map((r) => r.stayId)).toEqual([critical.id, warned.id, older.id, plain.id]);
		expect(list!.calls.map((r) => r.stayId)).not.toContain(central.id);
		expect(list!.calls.map((r) => r.stayId)).not.toContain(elsewhere.id);
		expect(list!.calls.find((r) => r.stayId === older.id)).toMatchObject({
			age: 76,
			riskFactors: ['age'],
			phaseMode: 'home_isolation',
			day: 2,
			totalDays: 7
		});
		expect(list!.counts).toEqual({ total: 4, due: 4, done: 0, unreached: 0 });
		expect(nextInList(list!, critical.id)).toBe(warned.id);

		// The community filter: one of the clinician's own, or nothing at all for someone else's.
		expect((await callList(c.clinician, { communityId: c.site.id }, 30, NOW))!.counts.total).toBe(4);
		expect(await callList(c.clinician, { communityId: other.site.id }, 30, NOW)).toBeNull();
		const admin = await makeStaff(tdb.db, 'admin');
		const all = await callList(admin, {}, 30, NOW);
		expect(all!.calls.map((r) => r.stayId)).toEqual(expect.arrayContaining([plain.id, elsewhere.id]));
		expect(
			(await callList(admin, { communityId: other.site.id }, 30, NOW))!.calls.map((r) => r.stayId)
		).toEqual([elsewhere.id]);
	});

	it('shows each resident’s own risk factors and calls, fact by fact', async () => {
		const c = await community();
		const pregnant = await c.add({ pregnant: true });
		const chronic = await c.add({ chronicDisease: true });
		const immuno = await c.add({ immunosuppressed: true });
		const all = await c.add({ pregnant: true, chronicDisease: true, immunosuppressed: true });
		const reachedMorning = await c.add();
		const plain = await c.add();
		await recordCall(c.clinician, call(reachedMorning.id, { outcome: 'reached' }), null, NOW);
		// 17:30 in Shanghai: the evening slot of the same day.
		const evening = new Date(NOW.getTime() + 9 * 60 * 60_000);
		const list = (await callList(c.clinician, {}, 30, evening))!;
		expect(list.slot).toBe('evening');
		const row = (id: string) => list.calls.find((r) => r.stayId === id)!;
		expect(row(pregnant.id).riskFactors).toEqual(['pregnant']);
		expect(row(chronic.id).riskFactors).toEqual(['chronic_disease']);
		expect(row(immuno.id).riskFactors).toEqual(['immunosuppressed']);
		expect(row(all.id).riskFactors).toEqual(['pregnant', 'chronic_disease', 'immunosuppressed']);
		// Reached this morning: owed the evening's call, but after those not heard from all day.
		expect(row(reachedMorning.id)).toMatchObject({
			reachedToday: true,
			failedThisSlot: 0,
			lastAttempt: null,
			riskFactors: [],
			phoneFlagged: false,
			unreachableAlert: false
		});
		expect(row(plain.id)).toMatchObject({ reachedToday: false, riskFactors: [] });
		expect(list.calls.map((r) => r.stayId).slice(-2)).toEqual([plain.id, reachedMorning.id]);
		expect(list.counts).toEqual({ total: 6, due: 6, done: 0, unreached: 0 });
	});

	it('"save and next" goes to the next resident of the called resident’s community, never another’s', async () => {
		const a = await community();
		const b = await community();
		const first = await a.add({}, { daysIn: 3 });
		const second = await a.add({}, { daysIn: 2 });
		// Another community's resident with a critical alert: first on a list of every community.
		const urgent = await b.add({}, { daysIn: 3 });
		await tdb.db.transaction((tx) =>
			raiseAlert(tx, urgent.id, null, { kind: 'hypoxia', severity: 'critical', value: {} }, NOW)
		);
		const admin = await makeStaff(tdb.db, 'admin');
		const everywhere = (await callList(admin, {}, 30, NOW))!;
		expect(everywhere.calls[0]!.stayId).toBe(urgent.id);

		// Calling the first of community A: next is A's second, in the list's order, for the admin who
		// follows every community as for A's own clinician.
		await recordCall(admin, call(first.id, { outcome: 'reached' }), null, NOW);
		expect(await nextCall(admin, first.id, 30, minutes(1))).toBe(second.id);
		expect(await nextCall(a.clinician, first.id, 30, minutes(1))).toBe(second.id);
		// The last of A's list: nobody next, though B's resident is still owed a call.
		await recordCall(admin, call(second.id, { outcome: 'busy' }), null, minutes(1));
		expect(await nextCall(admin, second.id, 30, minutes(2))).toBeNull();
		// B's list goes on by itself.
		const another = await b.add({}, { daysIn: 1 });
		expect(await nextCall(admin, urgent.id, 30, minutes(2))).toBe(another.id);
		// Someone else's community gives nothing, as its list does.
		expect(await nextCall(a.clinician, urgent.id, 30, minutes(2))).toBeNull();
	});

	it('drops a resident who self-reported in the slot, but not for a report from before it', async () => {
		const c = await community();
		const reporter = await c.add();
		const yesterday = await c.add();
		const selfReport = (stayId: string, takenAt: Date) =>
			recordReading(
				null,
				{
					stayId,
					source: 'self_report',
					takenAt: takenAt.toISOString(),
					temperature: 36.6,
					onOxygen: false,
					symptoms: [],
					idempotencyKey: uniqueKey('self')
				},
				null,
				takenAt
			);
		expect((await callList(c.clinician, {}, 30, NOW))!.counts).toMatchObject({ due: 2, done: 0 });
		// 08:00 today is in the morning slot; 21:00 yesterday is the evening before.
		await selfReport(reporter.id, minutes(-30));
		await selfReport(yesterday.id, minutes(-11.5 * 60));
		const list = (await callList(c.clinician, {}, 30, NOW))!;
		expect(list.calls.map((r) => r.stayId)).toEqual([yesterday.id]);
		expect(list.counts).toEqual({ total: 2, due: 1, done: 1, unreached: 0 });
	});

	it('keeps a failed call off the list for the retry delay, then brings it back', async () => {
		const c = await community();
		const s = await c.add();
		const r = await recordCall(c.clinician, call(s.id, { outcome: 'busy' }), null, NOW);
		expect(r.ok).toBe(true);

		const during = (await callList(c.clinician, {}, 30, minutes(29)))!;
		expect(during.calls).toEqual([]);
		expect(during.waiting.map((w) => [w.stayId, w.waitingUntil])).toEqual([[s.id, minutes(30)]]);
		expect(during.counts).toEqual({ total: 1, due: 1, done: 0, unreached: 1 });

		const after = (await callList(c.clinician, {}, 30, minutes(30)))!;
		expect(after.calls.map((w) => w.stayId)).toEqual([s.id]);
		expect(after.calls[0]).toMatchObject({ failedThisSlot: 1, lastAttempt: { outcome: 'busy' } });
		expect(after.waiting).toEqual([]);

		// A shorter configured delay brings it back sooner.
		expect((await callList(c.clinician, {}, 10, minutes(15)))!.calls.map((w) => w.stayId)).toEqual([s.id]);
	});
});

describe('recording a call', () => {
	it('records a reached call’s values as a phone reading that raises a fever alert, and stores the needs', async () => {
		const c = await community();
		const s = await c.add();
		const input = call(s.id, {
			outcome: 'reached',
			temperature: 37.8,
			spo2: 97,
			symptoms: ['dry_cough'],
			needs: { medicine: true, supplies: false, psychological: true, detail: '退烧药' },
			note: '精神尚可'
		});
		const r = await recordCall(c.clinician, input, '127.0.0.1', NOW);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.alerts.map((a) => [a.kind, a.severity])).toEqual(
			expect.arrayContaining([
				['fever', 'warning'],
				['symptom', 'warning']
			])
		);
		expect(r.call).toMatchObject({
			outcome: 'reached',
			slot: 'morning',
			slotDate: '2026-11-24',
			clinicianId: c.clinician.userId,
			needs: { medicine: true, supplies: false, psychological: true, detail: '退烧药' }
		});
		const [reading] = await tdb.db.select().from(t.readings).where(eq(t.readings.id, r.call.readingId!));
		expect(reading).toMatchObject({ source: 'phone', temperature: 37.8, spo2: 97, stayId: s.id });
		expect(reading!.idempotencyKey).toBe(readingKeyOf(input.idempotencyKey));
		const fever = await activeAlerts(s.id, 'fever');
		expect(fever).toHaveLength(1);
		expect(fever[0]!.lastValue).toEqual({ temperature: 37.8 });

		// Reached: off the list and counted as done.
		expect((await callList(c.clinician, {}, 30, minutes(1)))!.counts).toEqual({
			total: 1,
			due: 0,
			done: 1,
			unreached: 0
		});
		const [trail] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'call'), eq(t.auditLog.entityId, r.call.id)));
		expect(trail).toMatchObject({ action: 'record', actorId: c.clinician.userId, residentId: s.residentId });
	});

	it('records a replayed call once, with one reading', async () => {
		const c = await community();
		const s = await c.add();
		const input = call(s.id, { outcome: 'reached', temperature: 36.5 });
		const first = await recordCall(c.clinician, input, null, NOW);
		const again = await recordCall(c.clinician, input, null, minutes(1));
		expect(first.ok && again.ok).toBe(true);
		if (!first.ok || !again.ok) return;
		expect(again.replayed).toBe(true);
		expect(again.call.id).toBe(first.call.id);
		expect(await tdb.db.select().from(t.calls).where(eq(t.calls.stayId, s.id))).toHaveLength(1);
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, s.id))).toHaveLength(1);
		// The same key for another resident is refused.
		const s2 = await c.add();
		expect(await recordCall(c.clinician, { ...input, stayId: s2.id }, null, NOW)).toEqual({
			ok: false,
			error: 'key_conflict'
		});
	});

	it('records the reading of a reached call with the longest key a call may have; a longer one is refused', async () => {
		const c = await community();
		const s = await c.add();
		const longest = 'k'.repeat(CALL_KEY_MAX);
		const saved = await recordCall(
			c.clinician,
			call(s.id, { outcome: 'reached', temperature: 36.8, idempotencyKey: longest }),
			null,
			NOW
		);
		expect(saved.ok).toBe(true);
		expect(await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, s.id))).toHaveLength(1);
		const tooLong = callSchema.safeParse({ stayId: s.id, outcome: 'reached', idempotencyKey: `${longest}k` });
		expect(tooLong.success).toBe(false);
		expect(tooLong.error?.issues.map((i) => i.path.join('.'))).toEqual(['idempotencyKey']);
	});

	it('raises one unreachable alert after three failures in a row across days', async () => {
		const c = await community();
		const s = await c.add({}, { daysIn: 2 });
		// Yesterday evening, then twice this morning.
		const r1 = await recordCall(c.clinician, call(s.id, { outcome: 'no_answer' }), null, minutes(-12 * 60));
		const r2 = await recordCall(c.clinician, call(s.id, { outcome: 'busy' }), null, NOW);
		expect(r1.ok && !r1.unreachable && r2.ok && !r2.unreachable).toBe(true);
		expect(r1.ok && r1.call.slotDate).toBe('2026-11-23');
		expect(await activeAlerts(s.id, 'unreachable')).toHaveLength(0);

		const r3 = await recordCall(c.clinician, call(s.id, { outcome: 'refused' }), null, minutes(31));
		expect(r3.ok && r3.unreachable).toBe(true);
		const [alert, ...more] = await activeAlerts(s.id, 'unreachable');
		expect(more).toEqual([]);
		expect(alert).toMatchObject({
			severity: 'critical',
			status: 'open',
			lastValue: { reason: 'calls', failures: 3 }
		});

		// A fourth failure updates the same alert instead of adding one.
		await recordCall(c.clinician, call(s.id, { outcome: 'no_answer' }), null, minutes(62));
		const after = await activeAlerts(s.id, 'unreachable');
		expect(after).toHaveLength(1);
		expect(after[0]).toMatchObject({ triggerCount: 2, lastValue: { failures: 4 } });
	});

	it('raises no unreachable alert when a reached call comes between failures', async () => {
		const c = await community();
		const s = await c.add({}, { daysIn: 2 });
		const outcomes = ['no_answer', 'no_answer', 'reached', 'no_answer', 'busy'] as const;
		for (const [i, outcome] of outcomes.entries()) {
			const r = await recordCall(c.clinician, call(s.id, { outcome }), null, minutes(-12 * 60 + i * 45));
			expect(r.ok && r.unreachable).toBe(false);
		}
		expect(await activeAlerts(s.id, 'unreachable')).toHaveLength(0);
	});

	it('refuses a stay outside the clinician’s communities, an ended stay and a resident not at home', async () => {
		const c = await community();
		const other = await community();
		const s = await other.add();
		expect(await recordCall(c.clinician, call(s.id), null, NOW)).toEqual({
			ok: false,
			error: 'stay_not_found'
		});
		const central = await c.add({}, { plan: 'central', daysIn: 1 });
		expect(await recordCall(c.clinician, call(central.id), null, NOW)).toEqual({
			ok: false,
			error: 'not_home'
		});
		const ended = await c.add();
		await tdb.db.update(t.stays).set({ status: 'released', outcomeAt: NOW }).where(eq(t.stays.id, ended.id));
		expect(await recordCall(c.clinician, call(ended.id), null, NOW)).toEqual({
			ok: false,
			error: 'stay_ended'
		});
		expect(await tdb.db.select().from(t.calls).where(eq(t.calls.stayId, s.id))).toHaveLength(0);
	});

	it('refuses values on a call nobody answered', () => {
		const parsed = callSchema.safeParse({
			stayId: crypto.randomUUID(),
			outcome: 'no_answer',
			temperature: 37.0,
			idempotencyKey: uniqueKey('call')
		});
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0]?.message).toBe('values_need_reached');
	});
});

describe('a wrong number', () => {
	it('flags the contact details once, on the list and the resident, until staff correct the phone', async () => {
		const c = await community();
		const s = await c.add({ phone: '13800001111', phoneLast4: '1111' });
		const r = await recordCall(c.clinician, call(s.id, { outcome: 'wrong_number' }), null, NOW);
		expect(r.ok).toBe(true);
		const flagged = async () =>
			(await tdb.db.select().from(t.residents).where(eq(t.residents.id, s.residentId)))[0]!;
		const before = await flagged();
		expect(before.phoneFlaggedAt).toEqual(NOW);
		// A second wrong number keeps the first flag's time.
		await recordCall(c.clinician, call(s.id, { outcome: 'wrong_number' }), null, minutes(31));
		expect((await flagged()).phoneFlaggedAt).toEqual(NOW);
		const list = (await callList(c.clinician, {}, 30, minutes(62)))!;
		expect(list.calls.find((x) => x.stayId === s.id)).toMatchObject({ phoneFlagged: true });

		// Bad input and a stale form change nothing.
		const version = (await flagged()).version;
		expect(
			await correctPhone(c.clinician, s.residentId, { phone: '12345', version }, null, minutes(70))
		).toEqual({ ok: false, error: 'phone_invalid' });
		expect(
			await correctPhone(c.clinician, s.residentId, { phone: '13900002222', version: version - 1 }, null)
		).toEqual({ ok: false, error: 'phone_stale' });
		expect(await flagged()).toMatchObject({ phone: '13800001111', version });

		const fixed = await correctPhone(
			c.clinician,
			s.residentId,
			{ phone: '+86 139-0000-2222', version },
			'127.0.0.1',
			minutes(70)
		);
		expect(fixed).toEqual({ ok: true, phoneMasked: '139****2222', version: version + 1 });
		expect(await flagged()).toMatchObject({
			phone: '13900002222',
			phoneLast4: '2222',
			phoneFlaggedAt: null
		});
		const [trail] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.action, 'correct_phone'), eq(t.auditLog.residentId, s.residentId)));
		// The audit keeps masked numbers only.
		expect(trail).toMatchObject({
			actorId: c.clinician.userId,
			before: { phone: '138****1111', phoneFlagged: true },
			after: { phone: '139****2222', phoneFlagged: false }
		});
		expect(
			(await callList(c.clinician, {}, 30, minutes(71)))!.calls.find((x) => x.stayId === s.id)
		).toMatchObject({ phoneFlagged: false });
	});
});

describe('call history', () => {
	it('lists every attempt to a resident, newest first, with who and a short note', async () => {
		const c = await community();
		const s = await c.add({}, { daysIn: 2 });
		const long = '居民反映'.repeat(30);
		await recordCall(c.clinician, call(s.id, { outcome: 'no_answer' }), null, minutes(-12 * 60));
		await recordCall(c.clinician, call(s.id, { outcome: 'busy', note: '占线' }), null, NOW);
		await recordCall(
			c.clinician,
			call(s.id, { outcome: 'reached', temperature: 36.6, note: long }),
			null,
			minutes(35)
		);
		const history = await callHistory(s.residentId);
		expect(history.map((h) => [h.outcome, h.attemptedAt])).toEqual([
			['reached', minutes(35)],
			['busy', NOW],
			['no_answer', minutes(-12 * 60)]
		]);
		const [user] = await tdb.db.select().from(t.users).where(eq(t.users.id, c.clinician.userId));
		expect(history.every((h) => h.clinicianName === user!.displayName)).toBe(true);
		expect(history[0]!.note).toHaveLength(61);
		expect(history[0]!.note!.endsWith('…')).toBe(true);
		expect(history[1]!.note).toBe('占线');
		expect(history[2]!.note).toBeNull();
	});
});

describe('the clinician’s own day', () => {
	it('counts the calls they made today and how many reached, by slot', async () => {
		const c = await community();
		const a = await c.add({}, { daysIn: 2 });
		const b = await c.add({}, { daysIn: 2 });
		// Yesterday evening does not count; today's morning and evening do.
		await recordCall(c.clinician, call(a.id, { outcome: 'no_answer' }), null, minutes(-12 * 60));
		await recordCall(c.clinician, call(a.id, { outcome: 'no_answer' }), null, NOW);
		await recordCall(c.clinician, call(b.id, { outcome: 'reached' }), null, minutes(5));
		await recordCall(c.clinician, call(a.id, { outcome: 'reached' }), null, minutes(10 * 60));
		// Someone else's calls are theirs.
		const colleague = await makeStaff(tdb.db, 'clinician', [c.site.id]);
		await recordCall(colleague, call(b.id, { outcome: 'busy' }), null, minutes(11 * 60));

		const day = await myDay(c.clinician, 'Asia/Shanghai', minutes(12 * 60));
		expect(day).toEqual({
			date: '2026-11-24',
			made: 3,
			reached: 2,
			reachedRate: 2 / 3,
			bySlot: { morning: { made: 2, reached: 1 }, evening: { made: 1, reached: 1 } }
		});
		expect(await myDay(colleague, 'Asia/Shanghai', minutes(12 * 60))).toMatchObject({
			made: 1,
			reached: 0,
			reachedRate: 0
		});
		// Before the first call there is no rate to show.
		const newcomer = await makeStaff(tdb.db, 'clinician', [c.site.id]);
		expect((await myDay(newcomer, 'Asia/Shanghai', NOW)).reachedRate).toBeNull();
	});
});

describe('the handover list', () => {
	it('lists per community who was not reached this slot, and who has an active unreachable alert', async () => {
		const c = await community();
		const reached = await c.add({ name: '已接通' });
		const failed = await c.add({ name: '未接通' });
		const untried = await c.add({ name: '未拨打' });
		const lost = await c.add({ name: '失联后接通' }, { daysIn: 2 });
		await recordCall(c.clinician, call(reached.id, { outcome: 'reached' }), null, NOW);
		await recordCall(c.clinician, call(failed.id, { outcome: 'busy' }), null, NOW);
		for (const [i, outcome] of (['no_answer', 'no_answer', 'no_answer', 'reached'] as const).entries())
			await recordCall(c.clinician, call(lost.id, { outcome }), null, minutes(-13 * 60 + i * 4 * 60));

		const list = (await handoverList(c.clinician, {}, 30, minutes(5)))!;
		expect(list).toMatchObject({ slot: 'morning', slotDate: '2026-11-24' });
		expect(list.communities).toHaveLength(1);
		const rows = list.communities[0]!.rows;
		// The alert puts the unreachable one first; the rest wait in admission order.
		expect(rows.map((r) => r.stayId).sort()).toEqual([failed.id, untried.id, lost.id].sort());
		expect(rows[0]).toMatchObject({ stayId: lost.id, unreachableAlert: true, done: true });
		expect(rows.find((r) => r.stayId === failed.id)).toMatchObject({
			failedThisSlot: 1,
			lastAttempt: { outcome: 'busy' },
			done: false
		});
		expect(rows.find((r) => r.stayId === untried.id)).toMatchObject({ failedThisSlot: 0, lastAttempt: null });

		// Another community's list reads as unknown.
		const other = await community();
		expect(await handoverList(c.clinician, { communityId: other.site.id }, 30, NOW)).toBeNull();
	});
});

describe('the call screen', () => {
	it('names the call just saved, with its needs, to the clinician who made it only', async () => {
		const c = await community();
		const s = await c.add({ name: '需求甲' });
		const r = await recordCall(
			c.clinician,
			call(s.id, {
				outcome: 'reached',
				needs: { medicine: true, supplies: false, psychological: true, detail: '降压药' }
			}),
			null,
			NOW
		);
		if (!r.ok) throw new Error(r.error);
		expect(await savedCall(c.clinician, r.call.id)).toMatchObject({
			callId: r.call.id,
			stayId: s.id,
			name: '需求甲',
			outcome: 'reached',
			communityId: c.site.id,
			communityName: c.site.name,
			// Psychological support is not something a delivery brings.
			needs: [{ callId: r.call.id, kind: 'medicine', detail: '降压药', requested: false }]
		});
		const colleague = await makeStaff(tdb.db, 'clinician', [c.site.id]);
		expect(await savedCall(colleague, r.call.id)).toBeNull();
		expect(await savedCall(c.clinician, crypto.randomUUID())).toBeNull();
		// A clinician moved off the community no longer sees it.
		expect(await savedCall({ ...c.clinician, siteIds: [] }, r.call.id)).toBeNull();
	});

	it('shows the last readings, masked phone and the community’s own fever line for the trend', async () => {
		const c = await community();
		const s = await c.add({ phone: '13812345678' });
		await recordReading(
			null,
			readingSchema.parse({
				stayId: s.id,
				source: 'phone',
				takenAt: minutes(-60).toISOString(),
				temperature: 37.4,
				idempotencyKey: uniqueKey('r')
			})
		);
		const plain = await callSubject(s.id, NOW);
		expect(plain).toMatchObject({ phoneMasked: '138****5678', feverLine: 37.3 });
		expect(plain!.lastReadings.map((r) => r.temperature)).toEqual([37.4]);

		await tdb.db
			.update(t.sites)
			.set({ settings: { thresholds: { fever: 37.5 } } })
			.where(eq(t.sites.id, c.site.id));
		expect((await callSubject(s.id, NOW))!.feverLine).toBe(37.5);
	});
});
