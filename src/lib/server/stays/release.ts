/**
 * Release (DESIGN §3 "Release"): the checklist decides, an admin may override it with a reason. The
 * release is a dated stay event; the stay ends, its room waits for terminal disinfection (the
 * rooms.occupants trigger frees the bed), and the resident's access code turns read-only.
 */
import { and, asc, eq, gt, inArray, isNotNull, lte } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { thresholdsOfSettings } from '../../domain/alert-rules';
import { DAY_MS, schedule, testWindows } from '../../domain/plan';
import { decideRelease, releaseChecklist, type Checklist, type TestRecord } from '../../domain/release';
import { nextPhase } from '../../domain/stay-changes';
import type { ReleaseInput } from '../../schemas/stays';
import { audit } from '../audit';
import { makeAccessCodeReadOnly } from '../auth/access-codes';
import { db, type DbOrTx } from '../db';
import * as t from '../db/schema';
import { lockStay, recordEvent, runChange, StayRefusal, updateStay, vacateRoom } from './common';

type StayForChecklist = Pick<
	typeof t.stays.$inferSelect,
	'id' | 'periodStart' | 'planPhases' | 'extensions' | 'siteId'
>;

/** The checklist of each stay at `now`, loading the facts for all of them in a few queries. */
export async function checklists(
	tx: DbOrTx,
	stays: readonly StayForChecklist[],
	now: Date
): Promise<Map<string, Checklist>> {
	const out = new Map<string, Checklist>();
	if (!stays.length) return out;
	const ids = stays.map((s) => s.id);
	const siteIds = [...new Set(stays.map((s) => s.siteId))];
	// One after another: a transaction's queries share one connection.
	const tests = await tx
		.select({
			stayId: t.tests.stayId,
			phaseIndex: t.tests.phaseIndex,
			phaseDay: t.tests.phaseDay,
			sampledAt: t.tests.sampledAt,
			result: t.tests.result,
			ctN: t.tests.ctN,
			ctOrf: t.tests.ctOrf,
			createdAt: t.tests.createdAt
		})
		.from(t.tests)
		.where(inArray(t.tests.stayId, ids));
	const temps = await tx
		.select({ stayId: t.readings.stayId, takenAt: t.readings.takenAt, temperature: t.readings.temperature })
		.from(t.readings)
		.where(
			and(
				inArray(t.readings.stayId, ids),
				isNotNull(t.readings.temperature),
				gt(t.readings.takenAt, new Date(now.getTime() - DAY_MS)),
				lte(t.readings.takenAt, now)
			)
		);
	const alerts = await tx
		.select({ stayId: t.alerts.stayId, kind: t.alerts.kind, severity: t.alerts.severity })
		.from(t.alerts)
		.where(and(inArray(t.alerts.stayId, ids), inArray(t.alerts.status, ['open', 'acknowledged'])));
	const sites = await tx
		.select({ id: t.sites.id, settings: t.sites.settings })
		.from(t.sites)
		.where(inArray(t.sites.id, siteIds));
	const fever = new Map(sites.map((s) => [s.id, thresholdsOfSettings(s.settings).fever]));
	for (const s of stays) {
		const sched = schedule(s.periodStart, s.planPhases, s.extensions);
		out.set(
			s.id,
			releaseChecklist({
				now,
				releaseAt: sched.releaseAt,
				windows: testWindows(sched, s.planPhases),
				tests: tests.filter((x) => x.stayId === s.id) as TestRecord[],
				temperatures: temps
					.filter((r) => r.stayId === s.id)
					.map((r) => ({ takenAt: r.takenAt, temperature: r.temperature! })),
				activeAlerts: alerts.filter((a) => a.stayId === s.id),
				feverThreshold: fever.get(s.siteId)
			})
		);
	}
	return out;
}

export async function checklistFor(stayId: string, now = new Date()): Promise<Checklist | null> {
	const [stay] = await db().select().from(t.stays).where(eq(t.stays.id, stayId));
	if (!stay) return null;
	return (await checklists(db(), [stay], now)).get(stayId) ?? null;
}

export interface Released {
	eventId: number;
	releasedAt: Date;
	overridden: boolean;
}

/**
 * Releases the stay if its checklist is met, or if an admin overrides it with a reason. A refusal
 * carries the checklist so the form can say what blocks.
 */
export async function releaseStay(
	principal: Principal,
	input: ReleaseInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
) {
	return runChange(
		input,
		(e): Released => ({
			eventId: e.id,
			releasedAt: e.occurredAt,
			overridden: Boolean((e.data as { overridden?: boolean }).overridden)
		}),
		async (tx) => {
			const stay = await lockStay(tx, input, residentId);
			const checklist = (await checklists(tx, [stay], now)).get(stay.id)!;
			const decision = decideRelease(
				checklist,
				input.override ? { byAdmin: can(principal, 'release:override'), reason: input.overrideReason } : null
			);
			if (!decision.allowed)
				throw new StayRefusal(decision.reason, { blockedBy: checklist.blockedBy, checklist });
			const reason = decision.overridden ? input.overrideReason.trim() : null;
			await updateStay(
				tx,
				stay,
				{
					status: 'released',
					outcomeAt: now,
					outcomeBy: principal.userId,
					outcomeReason: reason,
					outcomeDetail: { overridden: decision.overridden, blockedBy: checklist.blockedBy }
				},
				now
			);
			await vacateRoom(tx, stay.roomId);
			await makeAccessCodeReadOnly(tx, stay.id, now);
			const event = await recordEvent(tx, {
				stayId: stay.id,
				kind: 'released',
				occurredAt: now,
				actorId: principal.userId,
				siteId: stay.siteId,
				data: {
					overridden: decision.overridden,
					overrideReason: reason,
					blockedBy: checklist.blockedBy,
					roomId: stay.roomId,
					releaseDueAt: stay.releaseDueAt.toISOString()
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: decision.overridden ? 'release_override' : 'release',
				entity: 'stay',
				entityId: stay.id,
				residentId: stay.residentId,
				before: { status: 'active' },
				after: { status: 'released', overrideReason: reason, blockedBy: checklist.blockedBy },
				ip,
				at: now
			});
			return event;
		}
	);
}

/** How far ahead the release list looks: stays due within the next day, and every overdue one. */
export const READY_LIST_AHEAD_MS = DAY_MS;

/**
 * The release list of a site or community: active stays due for release by tomorrow, each with its
 * checklist; those that meet it now first, then by due time.
 */
export async function releaseList(siteId: string, now = new Date()) {
	const stays = await db()
		.select({
			id: t.stays.id,
			version: t.stays.version,
			residentId: t.stays.residentId,
			name: t.residents.name,
			siteId: t.stays.siteId,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions,
			phaseIndex: t.stays.phaseIndex,
			releaseDueAt: t.stays.releaseDueAt,
			roomNumber: t.rooms.number
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(
			and(
				eq(t.stays.siteId, siteId),
				eq(t.stays.status, 'active'),
				lte(t.stays.releaseDueAt, new Date(now.getTime() + READY_LIST_AHEAD_MS))
			)
		)
		.orderBy(asc(t.stays.releaseDueAt));
	const lists = await checklists(db(), stays, now);
	const rows = stays.map((s) => {
		const c = lists.get(s.id)!;
		return {
			stayId: s.id,
			residentId: s.residentId,
			name: s.name,
			roomNumber: s.roomNumber,
			mode: s.planPhases[s.phaseIndex]?.mode ?? null,
			releaseDueAt: s.releaseDueAt,
			ready: c.ready,
			criteria: c.criteria
		};
	});
	return {
		ready: rows.filter((r) => r.ready),
		blocked: rows.filter((r) => !r.ready)
	};
}

/**
 * What the resident page needs to offer the stay's actions: the active stay's version and dates, its
 * release checklist now, and whether the next phase may begin.
 */
export async function stayPanel(residentId: string, now = new Date()) {
	const [row] = await db()
		.select({
			stay: t.stays,
			timeZone: t.sites.timeZone,
			siteCode: t.sites.code,
			building: t.rooms.building,
			floor: t.rooms.floor,
			number: t.rooms.number
		})
		.from(t.stays)
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
	if (!row) return null;
	const s = row.stay;
	const checklist = (await checklists(db(), [s], now)).get(s.id)!;
	let next: { mode: string; toCommunity: boolean } | null;
	try {
		const move = nextPhase(s, now);
		next = { mode: move.mode, toCommunity: move.toCommunity };
	} catch {
		// Not over yet, or no next phase: nothing to offer.
		next = null;
	}
	return {
		stayId: s.id,
		version: s.version,
		timeZone: row.timeZone,
		releaseDueAt: s.releaseDueAt,
		mode: s.planPhases[s.phaseIndex]?.mode ?? null,
		siteId: s.siteId,
		roomId: s.roomId,
		room: row.number
			? { siteCode: row.siteCode, building: row.building!, floor: row.floor!, number: row.number }
			: null,
		checklist,
		next
	};
}
