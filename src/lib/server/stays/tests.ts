/**
 * Tests (核酸/抗原) as the plan schedules them: a window per test day of each phase (domain/plan
 * testWindows). Staff record the sampling, then the result: negative, positive with optional Ct values,
 * or invalid (the window is sampled again). A positive result, or any Ct below 35, raises the stay's
 * critical `positive_test` alert through the alert engine.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import { schedule, testWindows, type TestWindow } from '../../domain/plan';
import { isPositive, testFor, testState, type TestRecord, type TestState } from '../../domain/release';
import type { ResultInput, SampleInput } from '../../schemas/tests';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { notifyAlerts, raiseAlert } from '../readings/record';

export type TestError =
	| 'not_found'
	| 'stay_ended'
	| 'not_scheduled'
	| 'already_sampled'
	| 'not_sampled'
	| 'already_resulted'
	| 'result_required'
	| 'stale';

class Refusal extends Error {
	constructor(readonly code: TestError) {
		super(code);
	}
}

type Row = typeof t.tests.$inferSelect;

export interface ScheduledTest {
	phaseIndex: number;
	day: number;
	from: Date;
	until: Date;
	state: TestState;
	/** The test that counts for the window (the latest), if any. */
	test: Pick<Row, 'id' | 'version' | 'kind' | 'sampledAt' | 'result' | 'ctN' | 'ctOrf' | 'resultAt'> | null;
	/** Earlier attempts, e.g. an invalid sample taken again. */
	attempts: number;
}

type StayPlan = Pick<typeof t.stays.$inferSelect, 'id' | 'periodStart' | 'planPhases' | 'extensions'>;

function scheduled(stay: StayPlan, rows: readonly Row[]): ScheduledTest[] {
	const sched = schedule(stay.periodStart, stay.planPhases, stay.extensions);
	return testWindows(sched, stay.planPhases).map((w: TestWindow) => {
		const mine = rows.filter((r) => r.phaseIndex === w.phaseIndex && r.phaseDay === w.day);
		const latest = testFor(w, mine as TestRecord[]) as Row | null;
		return {
			phaseIndex: w.phaseIndex,
			day: w.day,
			from: w.from,
			until: w.until,
			state: testState(latest as TestRecord | null),
			test: latest
				? {
						id: latest.id,
						version: latest.version,
						kind: latest.kind,
						sampledAt: latest.sampledAt,
						result: latest.result,
						ctN: latest.ctN,
						ctOrf: latest.ctOrf,
						resultAt: latest.resultAt
					}
				: null,
			attempts: mine.length
		};
	});
}

/** The test schedule of any one stay (a resident's own, also after release). */
export async function testsOfStay(stay: StayPlan): Promise<ScheduledTest[]> {
	const rows = await db()
		.select()
		.from(t.tests)
		.where(eq(t.tests.stayId, stay.id))
		.orderBy(asc(t.tests.createdAt));
	return scheduled(stay, rows);
}

/** The test schedule of a resident's active stay, each window with where it stands. */
export async function testSchedule(residentId: string) {
	const [stay] = await db()
		.select()
		.from(t.stays)
		.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
	if (!stay) return null;
	return { stayId: stay.id, tests: await testsOfStay(stay) };
}

async function activeStay(tx: DbOrTx, stayId: string, residentId: string | null) {
	const [stay] = await tx.select().from(t.stays).where(eq(t.stays.id, stayId));
	if (!stay || (residentId !== null && stay.residentId !== residentId)) throw new Refusal('not_found');
	if (stay.status !== 'active') throw new Refusal('stay_ended');
	return stay;
}

type Outcome<T> = { ok: true; replayed: boolean; value: T } | { ok: false; error: TestError };

/** Records that a scheduled test was sampled now; a window is sampled again only after an invalid result. */
export async function recordSample(
	principal: Principal,
	input: SampleInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
): Promise<Outcome<{ testId: string }>> {
	const replay = async () => {
		const [earlier] = await db()
			.select({ id: t.tests.id, stayId: t.tests.stayId })
			.from(t.tests)
			.where(eq(t.tests.idempotencyKey, input.idempotencyKey));
		return earlier && earlier.stayId === input.stayId
			? { ok: true as const, replayed: true, value: { testId: earlier.id } }
			: null;
	};
	const earlier = await replay();
	if (earlier) return earlier;
	try {
		return await db().transaction(async (tx) => {
			const stay = await activeStay(tx, input.stayId, residentId);
			// Lock the stay so two samplings of one window queue and the second sees the first.
			await tx.select({ id: t.stays.id }).from(t.stays).where(eq(t.stays.id, stay.id)).for('update');
			const rows = await tx.select().from(t.tests).where(eq(t.tests.stayId, stay.id));
			const window = scheduled(stay, rows).find(
				(w) => w.phaseIndex === input.phaseIndex && w.day === input.phaseDay
			);
			if (!window) throw new Refusal('not_scheduled');
			if (window.state !== 'not_sampled' && window.state !== 'invalid') throw new Refusal('already_sampled');
			const [row] = await tx
				.insert(t.tests)
				.values({
					stayId: stay.id,
					kind: input.kind,
					phaseIndex: input.phaseIndex,
					phaseDay: input.phaseDay,
					dueFrom: window.from,
					dueUntil: window.until,
					sampledAt: now,
					sampledBy: principal.userId,
					idempotencyKey: input.idempotencyKey
				})
				.returning({ id: t.tests.id });
			await audit(tx, {
				actor: principal,
				action: 'sample',
				entity: 'test',
				entityId: row!.id,
				residentId: stay.residentId,
				after: { phaseIndex: input.phaseIndex, phaseDay: input.phaseDay, kind: input.kind },
				ip,
				at: now
			});
			return { ok: true as const, replayed: false, value: { testId: row!.id } };
		});
	} catch (e) {
		// The same key sent twice at once: the second waited on the stay's lock and found the window
		// sampled by the first, its own sampling. Answer as the first did.
		if (e instanceof Refusal || pgConstraint(e) === 'tests_idempotency_key') {
			const again = await replay();
			if (again) return again;
		}
		if (e instanceof Refusal) return { ok: false, error: e.code };
		if (pgConstraint(e) === 'tests_idempotency_key') return { ok: false, error: 'already_sampled' };
		throw e;
	}
}

/**
 * Records a sampled test's result, once. A positive (or Ct < 35) raises the critical `positive_test`
 * alert and notifies open inboxes; the result is a dated stay event either way.
 */
export async function recordResult(
	principal: Principal,
	input: ResultInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
): Promise<Outcome<{ positive: boolean; alertId: string | null }>> {
	const replay = async () => {
		const [earlier] = await db()
			.select({ data: t.stayEvents.data })
			.from(t.stayEvents)
			.where(eq(t.stayEvents.idempotencyKey, input.idempotencyKey));
		if (!earlier) return null;
		const d = earlier.data as { positive?: boolean; alertId?: string | null };
		return {
			ok: true as const,
			replayed: true,
			value: { positive: !!d.positive, alertId: d.alertId ?? null }
		};
	};
	const earlier = await replay();
	if (earlier) return earlier;
	if (!input.result) return { ok: false, error: 'result_required' };
	const result = input.result;
	try {
		return await db().transaction(async (tx) => {
			const [row] = await tx.select().from(t.tests).where(eq(t.tests.id, input.testId)).for('update');
			if (!row) throw new Refusal('not_found');
			const stay = await activeStay(tx, row.stayId, residentId);
			if (!row.sampledAt) throw new Refusal('not_sampled');
			if (row.result !== null) throw new Refusal('already_resulted');
			if (row.version !== input.version) throw new Refusal('stale');
			const ctN = result === 'invalid' ? null : (input.ctN ?? null);
			const ctOrf = result === 'invalid' ? null : (input.ctOrf ?? null);
			await tx
				.update(t.tests)
				.set({
					result,
					ctN,
					ctOrf,
					resultAt: now,
					resultBy: principal.userId,
					version: sql`${t.tests.version} + 1`
				})
				.where(and(eq(t.tests.id, row.id), eq(t.tests.version, row.version)));
			const positive = isPositive({ result, ctN, ctOrf });
			let alertId: string | null = null;
			if (positive) {
				const alert = await raiseAlert(
					tx,
					stay.id,
					null,
					{
						kind: 'positive_test',
						severity: 'critical',
						value: { result, ctN, ctOrf, phaseIndex: row.phaseIndex, day: row.phaseDay }
					},
					now
				);
				alertId = alert.id;
				await notifyAlerts(tx, stay.id, stay.siteId);
			}
			await tx.insert(t.stayEvents).values({
				stayId: stay.id,
				kind: 'test_result',
				occurredAt: now,
				actorId: principal.userId,
				siteId: stay.siteId,
				data: {
					testId: row.id,
					phaseIndex: row.phaseIndex,
					day: row.phaseDay,
					result,
					ctN,
					ctOrf,
					positive,
					alertId
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: 'test_result',
				entity: 'test',
				entityId: row.id,
				residentId: stay.residentId,
				after: { result, ctN, ctOrf, positive },
				ip,
				at: now
			});
			return { ok: true as const, replayed: false, value: { positive, alertId } };
		});
	} catch (e) {
		// The same key sent twice at once: the second waited on the test's lock and found the result the
		// first recorded, its own. Answer as the first did.
		if (e instanceof Refusal || pgConstraint(e) === 'stay_events_idempotency_key') {
			const again = await replay();
			if (again) return again;
		}
		if (e instanceof Refusal) return { ok: false, error: e.code };
		throw e;
	}
}

/**
 * Tests due today at a site or community: every scheduled window of an active stay that overlaps
 * today in the site's zone and has no negative result yet, and overdue ones still open.
 */
export async function testsDue(siteId: string, now = new Date()) {
	const [site] = await db()
		.select({ timeZone: t.sites.timeZone })
		.from(t.sites)
		.where(eq(t.sites.id, siteId));
	if (!site) return null;
	const day = DateTime.fromJSDate(now, { zone: site.timeZone });
	const dayStart = day.startOf('day').toJSDate();
	const dayEnd = day.endOf('day').toJSDate();
	const stays = await db()
		.select({
			id: t.stays.id,
			residentId: t.stays.residentId,
			name: t.residents.name,
			roomNumber: t.rooms.number,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions,
			phaseIndex: t.stays.phaseIndex
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(and(eq(t.stays.siteId, siteId), eq(t.stays.status, 'active')));
	const rows = stays.length
		? await db()
				.select()
				.from(t.tests)
				.where(
					inArray(
						t.tests.stayId,
						stays.map((s) => s.id)
					)
				)
		: [];
	const out = [];
	for (const s of stays) {
		for (const w of scheduled(
			s,
			rows.filter((r) => r.stayId === s.id)
		)) {
			if (w.state === 'negative') continue;
			const today = w.from.getTime() <= dayEnd.getTime() && w.until.getTime() > dayStart.getTime();
			const overdue = w.until.getTime() <= now.getTime();
			// Only the phase the resident is in or has left: the next phase's tests belong to whoever takes over.
			if (w.phaseIndex > s.phaseIndex) continue;
			if (!today && !overdue) continue;
			out.push({
				stayId: s.id,
				residentId: s.residentId,
				name: s.name,
				roomNumber: s.roomNumber,
				overdue,
				...w
			});
		}
	}
	out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.from.getTime() - b.from.getTime());
	return { timeZone: site.timeZone, rows: out };
}
