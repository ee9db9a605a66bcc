/**
 * The slot's call list: every home isolator (current phase home isolation or home monitoring) in the
 * clinician's communities who is still owed a call this slot, in DESIGN §3's order, with the counts the
 * page shows at its top.
 */
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import type { CallOutcome } from '../../domain/alert-rules';
import {
	ageOnDate,
	callSlotOf,
	isFailedCall,
	orderWorklist,
	retryAt,
	riskFactors,
	type CallSlot,
	type RiskFactor
} from '../../domain/follow-up';
import { position, schedule, type PhaseMode } from '../../domain/plan';
import { localInstant, SLOT_WINDOWS } from '../../domain/slot';
import { db } from '../db';
import * as t from '../db/schema';

export const HOME_MODES: readonly PhaseMode[] = ['home_isolation', 'home_monitoring'];

/** The communities a principal follows up: an admin's are all of them, anyone else's their own. */
export async function communitiesOf(principal: Principal) {
	if (principal.role === 'resident') return [];
	if (principal.role !== 'admin' && principal.siteIds.length === 0) return [];
	const rows = await db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			timeZone: t.sites.timeZone
		})
		.from(t.sites)
		.where(
			and(
				eq(t.sites.kind, 'community'),
				eq(t.sites.active, true),
				principal.role === 'admin' ? undefined : inArray(t.sites.id, [...principal.siteIds])
			)
		)
		.orderBy(asc(t.sites.code));
	return rows;
}

/** The current phase of a stay, as its plan and extensions place it at `now`. */
export function currentMode(
	s: {
		periodStart: Date;
		planPhases: (typeof t.stays.$inferSelect)['planPhases'];
		extensions: (typeof t.stays.$inferSelect)['extensions'];
	},
	now: Date
) {
	const sched = schedule(s.periodStart, s.planPhases, s.extensions);
	const pos = position(sched, now);
	return { mode: sched.phases[pos.phaseIndex]!.mode, day: pos.day, totalDays: pos.totalDays };
}

/** The instant a call slot opened (04:00 or 16:00 local on its date). */
export function slotStart(slot: CallSlot, slotDate: string, timeZone: string): Date {
	return localInstant(slotDate, SLOT_WINDOWS[slot].fromHour, 0, timeZone);
}

export interface CallRow {
	stayId: string;
	residentId: string;
	name: string;
	communityId: string;
	communityName: string;
	phaseMode: PhaseMode;
	day: number;
	totalDays: number;
	age: number | null;
	riskFactors: RiskFactor[];
	criticalAlerts: number;
	warningAlerts: number;
	reachedToday: boolean;
	/** Failed attempts this slot. */
	failedThisSlot: number;
	lastAttempt: { outcome: CallOutcome; at: Date } | null;
	/** Set while a failed attempt keeps the resident off the list: due again from this instant. */
	waitingUntil: Date | null;
	since: Date;
	/** An active unreachable alert (3 failed attempts in a row). */
	unreachableAlert: boolean;
	/** A call reached a wrong number and the phone has not been corrected since. */
	phoneFlagged: boolean;
	/** Reached or self-reported this slot. */
	done: boolean;
}

export interface CallList {
	communities: Awaited<ReturnType<typeof communitiesOf>>;
	communityId: string | null;
	slot: CallSlot;
	slotDate: string;
	/**
	 * total: home isolators in scope; done: reached or self-reported this slot; due: still owed a call
	 * (including those waiting for a retry); unreached: due after at least one failed attempt this slot.
	 */
	counts: { total: number; due: number; done: number; unreached: number };
	/** Callable now, in worklist order. */
	calls: CallRow[];
	/** Failed this slot and inside the retry delay, soonest back first. */
	waiting: CallRow[];
}

interface SlotState {
	communities: Awaited<ReturnType<typeof communitiesOf>>;
	communityId: string | null;
	slot: CallSlot;
	slotDate: string;
	/** Every home isolator in scope, done or not, in no particular order. */
	rows: CallRow[];
}

/**
 * The call list at `now`. `communityId` narrows it to one community; one outside the principal's
 * communities gives null, so nobody learns whether it exists.
 */
export async function callList(
	principal: Principal,
	options: { communityId?: string | null },
	retryMinutes: number,
	now = new Date()
): Promise<CallList | null> {
	const state = await slotState(principal, options, retryMinutes, now);
	if (!state) return null;
	const { rows, ...head } = state;
	const open = rows.filter((r) => !r.done);
	const waiting = open.filter((r) => r.waitingUntil);
	return {
		...head,
		counts: {
			total: rows.length,
			due: open.length,
			done: rows.length - open.length,
			unreached: open.filter((r) => r.failedThisSlot > 0).length
		},
		calls: orderWorklist(open.filter((r) => !r.waitingUntil)),
		waiting: waiting.sort((a, b) => a.waitingUntil!.getTime() - b.waitingUntil!.getTime())
	};
}

export interface HandoverList {
	slot: CallSlot;
	slotDate: string;
	communities: {
		id: string;
		name: string;
		nameEn: string | null;
		/** Not reached this slot, or with an active unreachable alert, in worklist order. */
		rows: CallRow[];
	}[];
}

/**
 * The shift handover: per community, the home isolators nobody has reached this slot (called or not),
 * and those with an active unreachable alert even if heard from since, for the next shift to pick up.
 */
export async function handoverList(
	principal: Principal,
	options: { communityId?: string | null },
	retryMinutes: number,
	now = new Date()
): Promise<HandoverList | null> {
	const state = await slotState(principal, options, retryMinutes, now);
	if (!state) return null;
	const chosen = state.communityId
		? state.communities.filter((c) => c.id === state.communityId)
		: state.communities;
	return {
		slot: state.slot,
		slotDate: state.slotDate,
		communities: chosen.map((c) => ({
			id: c.id,
			name: c.name,
			nameEn: c.nameEn,
			rows: orderWorklist(state.rows.filter((r) => r.communityId === c.id && (!r.done || r.unreachableAlert)))
		}))
	};
}

async function slotState(
	principal: Principal,
	options: { communityId?: string | null },
	retryMinutes: number,
	now: Date
): Promise<SlotState | null> {
	const communities = await communitiesOf(principal);
	const filter = options.communityId || null;
	if (filter && !communities.some((c) => c.id === filter)) return null;
	const chosen = filter ? communities.filter((c) => c.id === filter) : communities;
	const zoneOf = new Map(chosen.map((c) => [c.id, c]));
	const headerSlot = callSlotOf(now, chosen[0]?.timeZone ?? 'Asia/Shanghai');
	const empty: SlotState = {
		communities,
		communityId: filter,
		slot: headerSlot.slot,
		slotDate: headerSlot.slotDate,
		rows: []
	};
	if (!chosen.length) return empty;

	const stayRows = await db()
		.select({
			stayId: t.stays.id,
			residentId: t.stays.residentId,
			siteId: t.stays.siteId,
			admittedAt: t.stays.admittedAt,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions,
			name: t.residents.name,
			birthDate: t.residents.birthDate,
			pregnant: t.residents.pregnant,
			chronicDisease: t.residents.chronicDisease,
			immunosuppressed: t.residents.immunosuppressed,
			phoneFlaggedAt: t.residents.phoneFlaggedAt
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.where(
			and(
				eq(t.stays.status, 'active'),
				inArray(
					t.stays.siteId,
					chosen.map((c) => c.id)
				)
			)
		);
	const home = stayRows
		.map((s) => ({ ...s, ...currentMode(s, now) }))
		.filter((s) => HOME_MODES.includes(s.mode));
	if (!home.length) return empty;
	const ids = home.map((s) => s.stayId);

	// Calls since the start of the earliest local day in play (the previous day's evening at the latest).
	const since = new Date(now.getTime() - 2 * 86_400_000);
	const [callRows, readingRows, alertRows] = await Promise.all([
		db()
			.select({
				stayId: t.calls.stayId,
				outcome: t.calls.outcome,
				attemptedAt: t.calls.attemptedAt,
				slot: t.calls.slot,
				slotDate: t.calls.slotDate
			})
			.from(t.calls)
			.where(and(inArray(t.calls.stayId, ids), gte(t.calls.attemptedAt, since)))
			.orderBy(asc(t.calls.attemptedAt)),
		db()
			.select({ stayId: t.readings.stayId, takenAt: t.readings.takenAt })
			.from(t.readings)
			.where(and(inArray(t.readings.stayId, ids), gte(t.readings.takenAt, since))),
		db()
			.select({ stayId: t.alerts.stayId, severity: t.alerts.severity, kind: t.alerts.kind })
			.from(t.alerts)
			.where(and(inArray(t.alerts.stayId, ids), inArray(t.alerts.status, ['open', 'acknowledged'])))
	]);

	const rows: CallRow[] = [];
	for (const s of home) {
		const community = zoneOf.get(s.siteId)!;
		const { slot, slotDate } = callSlotOf(now, community.timeZone);
		const opened = slotStart(slot, slotDate, community.timeZone);
		const mine = callRows.filter((c) => c.stayId === s.stayId);
		const thisSlot = mine.filter((c) => c.slot === slot && c.slotDate === slotDate);
		const today = DateTime.fromJSDate(now, { zone: community.timeZone }).toISODate()!;
		const reachedThisSlot = thisSlot.some((c) => c.outcome === 'reached');
		// Any reading since the slot opened (a self-report, a device) means the resident has been heard from.
		const reported = readingRows.some((r) => r.stayId === s.stayId && r.takenAt >= opened);
		const failed = thisSlot.filter((c) => isFailedCall(c.outcome));
		const last = thisSlot.at(-1) ?? null;
		const back = last
			? retryAt({ outcome: last.outcome, attemptedAt: last.attemptedAt }, retryMinutes)
			: null;
		const alerts = alertRows.filter((a) => a.stayId === s.stayId);
		rows.push({
			stayId: s.stayId,
			residentId: s.residentId,
			name: s.name,
			communityId: community.id,
			communityName: community.name,
			phaseMode: s.mode,
			day: s.day,
			totalDays: s.totalDays,
			age: ageOnDate(s.birthDate, today),
			riskFactors: riskFactors(s, today),
			criticalAlerts: alerts.filter((a) => a.severity === 'critical').length,
			warningAlerts: alerts.filter((a) => a.severity === 'warning').length,
			reachedToday: mine.some((c) => c.outcome === 'reached' && c.slotDate === slotDate),
			failedThisSlot: failed.length,
			lastAttempt: last && { outcome: last.outcome, at: last.attemptedAt },
			waitingUntil: back && back > now ? back : null,
			since: s.admittedAt,
			unreachableAlert: alerts.some((a) => a.kind === 'unreachable'),
			phoneFlagged: s.phoneFlaggedAt !== null,
			done: reachedThisSlot || reported
		});
	}
	return { ...empty, rows };
}

/** The first callable stay of the list after `afterStayId` (or the first), for "save and next". */
export function nextInList(list: CallList, afterStayId: string | null): string | null {
	const rest = list.calls.filter((c) => c.stayId !== afterStayId);
	return rest[0]?.stayId ?? null;
}
