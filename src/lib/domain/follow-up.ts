/**
 * Phone follow-up of home isolators (DESIGN §3, Phone follow-up): which slot a call counts for, the order
 * of the worklist, and when a failed attempt comes back on it. Pure: the server reads and stores, these
 * functions decide. The unreachable rule itself is `unreachableFromCalls` in alert-rules.
 */
import { DateTime } from 'luxon';
import { FAILED_CALL_OUTCOMES, type CallOutcome } from './alert-rules';
import { SLOT_WINDOWS } from './slot';

export type CallSlot = 'morning' | 'evening';

/** Minutes a failed attempt stays off the list before the resident is due a retry. */
export const DEFAULT_RETRY_MINUTES = 30;

/** Age from which a resident counts as at risk. */
export const RISK_AGE = 60;

/**
 * The call slot a moment belongs to, in the site's zone: morning 04:00–12:00 and evening 16:00–22:00, as
 * for readings. A call made in a gap counts for the slot that opened last, so a late call still closes the
 * round it was missed in and the list between rounds shows who is still owed one: 12:00–16:00 is the
 * morning's, 22:00–24:00 the evening's, and 00:00–04:00 the previous day's evening.
 */
export function callSlotOf(at: Date, timeZone: string): { slot: CallSlot; slotDate: string } {
	const local = DateTime.fromJSDate(at, { zone: timeZone });
	if (!local.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
	const hour = local.hour;
	if (hour < SLOT_WINDOWS.morning.fromHour)
		return { slot: 'evening', slotDate: local.minus({ days: 1 }).toISODate()! };
	if (hour < SLOT_WINDOWS.evening.fromHour) return { slot: 'morning', slotDate: local.toISODate()! };
	return { slot: 'evening', slotDate: local.toISODate()! };
}

export function isFailedCall(outcome: CallOutcome): boolean {
	return FAILED_CALL_OUTCOMES.includes(outcome);
}

/**
 * When a resident whose latest attempt in the slot failed is due again: `retryMinutes` after that
 * attempt. Null when the latest attempt was not a failure (nothing to wait for).
 */
export function retryAt(
	latest: { outcome: CallOutcome; attemptedAt: Date } | null,
	retryMinutes = DEFAULT_RETRY_MINUTES
): Date | null {
	if (!latest || !isFailedCall(latest.outcome)) return null;
	if (!Number.isFinite(retryMinutes) || retryMinutes < 0) throw new RangeError('retryMinutes must be ≥ 0');
	return new Date(latest.attemptedAt.getTime() + retryMinutes * 60_000);
}

/** Whether a failed attempt still keeps the resident off the list at `now`. */
export function isWaiting(
	latest: { outcome: CallOutcome; attemptedAt: Date } | null,
	now: Date,
	retryMinutes = DEFAULT_RETRY_MINUTES
): boolean {
	const at = retryAt(latest, retryMinutes);
	return at !== null && now.getTime() < at.getTime();
}

/** Whole years between a birth date (YYYY-MM-DD) and a local date, both calendar dates. */
export function ageOnDate(birthDate: string | null, onDate: string): number | null {
	if (!birthDate) return null;
	const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
	const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
	let age = y - by;
	if (m < bm || (m === bm && d < bd)) age--;
	return age;
}

export type RiskFactor = 'age' | 'pregnant' | 'chronic_disease' | 'immunosuppressed';

export interface RiskSubject {
	birthDate: string | null;
	pregnant: boolean;
	chronicDisease: boolean;
	immunosuppressed: boolean;
}

/** The resident's risk factors on a (local) date, in a fixed order. */
export function riskFactors(r: RiskSubject, onDate: string): RiskFactor[] {
	const out: RiskFactor[] = [];
	const age = ageOnDate(r.birthDate, onDate);
	if (age !== null && age >= RISK_AGE) out.push('age');
	if (r.pregnant) out.push('pregnant');
	if (r.chronicDisease) out.push('chronic_disease');
	if (r.immunosuppressed) out.push('immunosuppressed');
	return out;
}

export interface WorkItem {
	stayId: string;
	/** Active (open or acknowledged) alerts of the stay, by severity. */
	criticalAlerts: number;
	warningAlerts: number;
	riskFactors: readonly RiskFactor[];
	/** A reached call today (the slot's local date), in any slot. */
	reachedToday: boolean;
	/** The tie-break within a group: earlier first (e.g. the admission instant). */
	since: Date;
}

/** 0 critical alert, 1 warning, 2 risk factors, 3 not reached today, 4 the rest. */
export function priorityOf(item: WorkItem): 0 | 1 | 2 | 3 | 4 {
	if (item.criticalAlerts > 0) return 0;
	if (item.warningAlerts > 0) return 1;
	if (item.riskFactors.length > 0) return 2;
	if (!item.reachedToday) return 3;
	return 4;
}

/**
 * The worklist order of DESIGN §3: active critical alerts, active warnings, risk factors, not reached
 * today, the rest. Within a group the one waiting longest (earliest `since`) comes first, then the stay
 * id, so the same data always gives the same list. Returns a new array.
 */
export function orderWorklist<T extends WorkItem>(items: readonly T[]): T[] {
	return [...items].sort(
		(a, b) =>
			priorityOf(a) - priorityOf(b) ||
			a.since.getTime() - b.since.getTime() ||
			(a.stayId < b.stayId ? -1 : a.stayId > b.stayId ? 1 : 0)
	);
}

/** Failed attempts in a row at the end of a stay's calls (oldest first): what the unreachable alert shows. */
export function consecutiveFailures(outcomes: readonly CallOutcome[]): number {
	let n = 0;
	for (let i = outcomes.length - 1; i >= 0 && isFailedCall(outcomes[i]!); i--) n++;
	return n;
}

/** Rows of the call list on one page: a community can have thousands of home isolators. */
export const CALL_PAGE_SIZE = 100;

export interface ListPage<T> {
	/** 1-based; a page past the end gives the last one. */
	page: number;
	pages: number;
	/** Position in the whole list (callable first, then waiting) of the page's first row, 1-based. */
	from: number;
	calls: T[];
	waiting: T[];
}

/**
 * One page of the slot's list, read as the callable rows in worklist order followed by the waiting rows,
 * so paging keeps the order of the whole list and every row is on exactly one page.
 */
export function pageOfList<T>(
	calls: readonly T[],
	waiting: readonly T[],
	page: number,
	size = CALL_PAGE_SIZE
): ListPage<T> {
	const pages = Math.max(1, Math.ceil((calls.length + waiting.length) / size));
	const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
	const start = (current - 1) * size;
	const end = start + size;
	return {
		page: current,
		pages,
		from: start + 1,
		calls: calls.slice(start, end),
		waiting: waiting.slice(Math.max(0, start - calls.length), Math.max(0, end - calls.length))
	};
}
