/**
 * The slot's call list: every home isolator (current phase home isolation or home monitoring) in the
 * clinician's communities who is still owed a call this slot, in DESIGN §3's order, with the counts the
 * page shows at its top.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import { FAILED_CALL_OUTCOMES, type CallOutcome } from '../../domain/alert-rules';
import {
	ageOnDate,
	callSlotOf,
	orderWorklist,
	retryAt,
	riskFactors,
	type CallSlot,
	type RiskFactor
} from '../../domain/follow-up';
import { position, schedule, type PhaseMode } from '../../domain/plan';
import { localInstant, SLOT_WINDOWS } from '../../domain/slot';
import { db } from '../db';
import { rowsOf } from '../db/raw';
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

/** Where a community stands at `now`: its current slot, the instant it opened, and the local date. */
interface CommunitySlot {
	community: Awaited<ReturnType<typeof communitiesOf>>[number];
	slot: CallSlot;
	slotDate: string;
	opened: Date;
	today: string;
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
	const headerSlot = callSlotOf(now, chosen[0]?.timeZone ?? 'Asia/Shanghai');
	const empty: SlotState = {
		communities,
		communityId: filter,
		slot: headerSlot.slot,
		slotDate: headerSlot.slotDate,
		rows: []
	};
	if (!chosen.length) return empty;

	const slots = new Map<string, CommunitySlot>(
		chosen.map((community) => {
			const { slot, slotDate } = callSlotOf(now, community.timeZone);
			return [
				community.id,
				{
					community,
					slot,
					slotDate,
					opened: slotStart(slot, slotDate, community.timeZone),
					today: DateTime.fromJSDate(now, { zone: community.timeZone }).toISODate()!
				}
			];
		})
	);
	const stays = await slotRows([...slots.values()], now);

	const rows: CallRow[] = [];
	for (const s of stays) {
		const { mode, day, totalDays } = currentMode(s, now);
		if (!HOME_MODES.includes(mode)) continue;
		const { community, today } = slots.get(s.siteId)!;
		const last = s.lastOutcome && s.lastAt ? { outcome: s.lastOutcome, at: s.lastAt } : null;
		const back = last ? retryAt({ outcome: last.outcome, attemptedAt: last.at }, retryMinutes) : null;
		rows.push({
			stayId: s.stayId,
			residentId: s.residentId,
			name: s.name,
			communityId: community.id,
			communityName: community.name,
			phaseMode: mode,
			day,
			totalDays,
			age: ageOnDate(s.birthDate, today),
			riskFactors: riskFactors(s, today),
			criticalAlerts: s.criticalAlerts,
			warningAlerts: s.warningAlerts,
			reachedToday: s.reachedToday,
			failedThisSlot: s.failedThisSlot,
			lastAttempt: last,
			waitingUntil: back && back > now ? back : null,
			since: s.admittedAt,
			unreachableAlert: s.unreachableAlert,
			phoneFlagged: s.phoneFlagged,
			// Any reading since the slot opened (a self-report, a device) means the resident has been heard from.
			done: s.reachedThisSlot || s.reported
		});
	}
	return { ...empty, rows };
}

/** One active stay as `slotRows` returns it. */
interface SlotRow {
	stayId: string;
	residentId: string;
	siteId: string;
	admittedAt: Date;
	periodStart: Date;
	planPhases: (typeof t.stays.$inferSelect)['planPhases'];
	extensions: (typeof t.stays.$inferSelect)['extensions'];
	name: string;
	birthDate: string | null;
	pregnant: boolean;
	chronicDisease: boolean;
	immunosuppressed: boolean;
	phoneFlagged: boolean;
	/** Failed attempts in the community's current slot. */
	failedThisSlot: number;
	reachedThisSlot: boolean;
	/** Reached in either slot of the current slot's date. */
	reachedToday: boolean;
	/** The latest attempt of the current slot. */
	lastOutcome: CallOutcome | null;
	lastAt: Date | null;
	criticalAlerts: number;
	warningAlerts: number;
	unreachableAlert: boolean;
	/** A reading taken since the slot opened. */
	reported: boolean;
}

/** A timestamp or date as the driver gives it: a string (postgres.js through drizzle) or a Date. */
type Stamp = string | Date;
const instantOf = (v: Stamp) => (v instanceof Date ? v : new Date(v));
const dateOf = (v: Stamp | null) => (v === null || typeof v === 'string' ? v : v.toISOString().slice(0, 10));

/**
 * The yes-or-no facts of a row, sent as the bits of one integer: a community's list is thousands of rows,
 * and each column the driver parses costs as much as the rest of a row's work.
 */
const FLAG = {
	pregnant: 1,
	chronicDisease: 2,
	immunosuppressed: 4,
	phoneFlagged: 8,
	reachedThisSlot: 16,
	reachedToday: 32,
	unreachableAlert: 64,
	reported: 128
} as const;

/**
 * Every active stay of the given communities with what the list needs of its calls, readings and alerts,
 * summed up in the database: one round trip, and each stay's own rows read through their indexes
 * (resident by key, calls by stay and time from the index alone, readings by stay and time, active alerts
 * by stay). Thousands of rows come back, so they are read as the driver gives them rather than through the
 * query builder's mapping, with the flags packed into one column and each plan's JSON parsed once.
 */
async function slotRows(slots: CommunitySlot[], now: Date): Promise<SlotRow[]> {
	// Calls since the start of the earliest local day in play (the previous day's evening at the latest).
	const since = new Date(now.getTime() - 2 * 86_400_000);
	// Each community's slot, as a relation the stays join on.
	const windows = sql.join(
		slots.map(
			(w) =>
				sql`(${w.community.id}::uuid, ${w.slot}::slot, ${w.slotDate}::date, ${w.opened.toISOString()}::timestamptz)`
		),
		sql`, `
	);
	const failed = sql.join(
		FAILED_CALL_OUTCOMES.map((o) => sql`${o}::call_outcome`),
		sql`, `
	);
	const inSlot = sql`c.slot = w.slot and c.slot_date = w.slot_date`;
	const bit = (fact: SQL, flag: number) => sql`${sql.raw(String(flag))} * (${fact})::int`;
	const flags = sql.join(
		[
			bit(sql`r.pregnant`, FLAG.pregnant),
			bit(sql`r.chronic_disease`, FLAG.chronicDisease),
			bit(sql`r.immunosuppressed`, FLAG.immunosuppressed),
			bit(sql`r.phone_flagged_at is not null`, FLAG.phoneFlagged),
			bit(sql`cs.reached_slot`, FLAG.reachedThisSlot),
			bit(sql`cs.reached_today`, FLAG.reachedToday),
			bit(sql`al.unreachable`, FLAG.unreachableAlert),
			bit(
				sql`exists (select 1 from ${t.readings} rd where rd.stay_id = st.id and rd.taken_at >= w.opened)`,
				FLAG.reported
			)
		],
		sql` + `
	);
	const res = await db().execute(sql`
		select
			st.id, st.resident_id, st.site_id, st.admitted_at, st.period_start,
			st.plan_phases::text as plan_phases, st.extensions::text as extensions,
			r.name, r.birth_date, ${flags} as flags,
			cs.failed, cs.last_outcome, cs.last_at, al.critical, al.warning
		from ${t.stays} st
		join (values ${windows}) as w (site_id, slot, slot_date, opened) on w.site_id = st.site_id
		-- The resident by key: joined as a whole table, the planner would read every resident the city
		-- has ever had to find a community's two thousand.
		cross join lateral (
			select name, birth_date, pregnant, chronic_disease, immunosuppressed, phone_flagged_at
			from ${t.residents} where id = st.resident_id limit 1
		) r
		cross join lateral (
			select
				count(*) filter (where ${inSlot} and c.outcome in (${failed}))::int as failed,
				coalesce(bool_or(c.outcome = 'reached' and ${inSlot}), false) as reached_slot,
				coalesce(bool_or(c.outcome = 'reached' and c.slot_date = w.slot_date), false) as reached_today,
				(array_agg(c.outcome order by c.attempted_at desc, c.created_at desc) filter (where ${inSlot}))[1]
					as last_outcome,
				max(c.attempted_at) filter (where ${inSlot}) as last_at
			from ${t.calls} c
			where c.stay_id = st.id and c.attempted_at >= ${since.toISOString()}::timestamptz
		) cs
		cross join lateral (
			select
				count(*) filter (where a.severity = 'critical')::int as critical,
				count(*) filter (where a.severity = 'warning')::int as warning,
				coalesce(bool_or(a.kind = 'unreachable'), false) as unreachable
			from ${t.alerts} a
			where a.stay_id = st.id and a.status in ('open', 'acknowledged')
		) al
		where st.status = 'active'`);
	// Stays share a handful of plans and mostly have no extensions: each distinct text is parsed once.
	const parsed = new Map<string, unknown>();
	const json = <T>(text: string): T => {
		let value = parsed.get(text);
		if (value === undefined) parsed.set(text, (value = JSON.parse(text)));
		return value as T;
	};
	return rowsOf<{
		id: string;
		resident_id: string;
		site_id: string;
		admitted_at: Stamp;
		period_start: Stamp;
		plan_phases: string;
		extensions: string;
		name: string;
		birth_date: Stamp | null;
		flags: number | string;
		failed: number;
		last_outcome: CallOutcome | null;
		last_at: Stamp | null;
		critical: number;
		warning: number;
	}>(res).map((r) => {
		const flags = Number(r.flags);
		const has = (flag: number) => (flags & flag) !== 0;
		return {
			stayId: r.id,
			residentId: r.resident_id,
			siteId: r.site_id,
			admittedAt: instantOf(r.admitted_at),
			periodStart: instantOf(r.period_start),
			planPhases: json<SlotRow['planPhases']>(r.plan_phases),
			extensions: json<SlotRow['extensions']>(r.extensions),
			name: r.name,
			birthDate: dateOf(r.birth_date),
			pregnant: has(FLAG.pregnant),
			chronicDisease: has(FLAG.chronicDisease),
			immunosuppressed: has(FLAG.immunosuppressed),
			phoneFlagged: has(FLAG.phoneFlagged),
			failedThisSlot: Number(r.failed),
			reachedThisSlot: has(FLAG.reachedThisSlot),
			reachedToday: has(FLAG.reachedToday),
			lastOutcome: r.last_outcome,
			lastAt: r.last_at === null ? null : instantOf(r.last_at),
			criticalAlerts: Number(r.critical),
			warningAlerts: Number(r.warning),
			unreachableAlert: has(FLAG.unreachableAlert),
			reported: has(FLAG.reported)
		};
	});
}

/** The first callable stay of the list after `afterStayId` (or the first), for "save and next". */
export function nextInList(list: CallList, afterStayId: string | null): string | null {
	const rest = list.calls.filter((c) => c.stayId !== afterStayId);
	return rest[0]?.stayId ?? null;
}

/**
 * "Save and next": the first resident still owed a call on the list the clinician was working, after the
 * stay just called. That list is the stay's own community's in its current slot, in the call list's
 * order (`orderWorklist`); only that community's list is built, never every community the principal
 * follows (an admin's are the whole city). Null when nobody else is callable now: the list is done, or
 * the rest are waiting for their retry.
 */
export async function nextCall(
	principal: Principal,
	afterStayId: string,
	retryMinutes: number,
	now = new Date(),
	/** The list the clinician was working: one community's, all of theirs, or (by default) the stay's own. */
	from: { communityId: string } | 'all' | 'stay' = 'stay'
): Promise<string | null> {
	const [stay] = await db()
		.select({ communityId: t.stays.siteId })
		.from(t.stays)
		.where(eq(t.stays.id, afterStayId));
	if (!stay) return null;
	const options =
		from === 'all'
			? {}
			: from === 'stay'
				? { communityId: stay.communityId }
				: { communityId: from.communityId };
	const list = await callList(principal, options, retryMinutes, now);
	return list ? nextInList(list, afterStayId) : null;
}
