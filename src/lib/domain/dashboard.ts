/**
 * The command dashboard and the daily report (日报告): which instants a day covers in a site's zone, which
 * dates a report may be asked for, and how per-site figures add up to the city's. Pure: the server counts
 * rows, these functions decide the bounds and the sums.
 *
 * Every figure is "as of" an instant: an event counts once it had both happened and been recorded
 * (`greatest(occurred_at, recorded_at)`), so a fact entered late lands on the day it became known and a
 * report for a past day never changes when somebody backdates something today.
 */
import { DateTime } from 'luxon';
import { DAY_MS, type PhaseMode } from './plan';

export const PHASE_MODES: readonly PhaseMode[] = ['centralised', 'home_isolation', 'home_monitoring'];

export const ALERT_KINDS = [
	'fever',
	'hypoxia',
	'news2',
	'red_vital',
	'symptom',
	'missed_reading',
	'unreachable',
	'positive_test',
	'delivery_overdue'
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type Severity = 'warning' | 'critical';

/** Days the charts look back (census, admissions and releases, alerts). */
export const HISTORY_DAYS = 30;
/** Days the releases-due figure and the upcoming curve look ahead. */
export const RELEASE_DAYS = 7;
export const UPCOMING_DAYS = 14;

/** A local calendar day in a zone: [start, end) as instants. */
export interface DayBounds {
	date: string;
	start: Date;
	end: Date;
}

export function dayBounds(date: string, timeZone: string): DayBounds {
	const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
	if (!start.isValid || start.toISODate() !== date)
		throw new RangeError(`Invalid date ${date} in ${timeZone}`);
	return { date, start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** The local date of an instant in a zone. */
export function localDate(at: Date, timeZone: string): string {
	const d = DateTime.fromJSDate(at, { zone: timeZone });
	if (!d.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
	return d.toISODate()!;
}

/** The `count` local dates ending with `last` (inclusive), oldest first. */
export function datesEnding(last: string, count: number): string[] {
	const end = DateTime.fromISO(last, { zone: 'utc' });
	return Array.from({ length: count }, (_, i) => end.minus({ days: count - 1 - i }).toISODate()!);
}

/** The `count` local dates starting with `first` (inclusive). */
export function datesFrom(first: string, count: number): string[] {
	const start = DateTime.fromISO(first, { zone: 'utc' });
	return Array.from({ length: count }, (_, i) => start.plus({ days: i }).toISODate()!);
}

/** The releases-due window from an instant: [now, within) counts as due soon, [now, end) is charted. */
export function releaseWindow(now: Date, withinDays: number, horizonDays: number) {
	return {
		within: new Date(now.getTime() + withinDays * DAY_MS),
		end: new Date(now.getTime() + horizonDays * DAY_MS)
	};
}

/**
 * The releases-due window cut where the local date changes and at the "due soon" line: ascending
 * bounds (the first is `now`, the last the window's end) and, for each span between two bounds, its
 * local date and whether it lies before the line. An instant t in [bounds[i-1], bounds[i]) belongs to
 * span i (SQL's width_bucket numbering, so spans[i - 1] describes it).
 */
export function releaseSpans(now: Date, timeZone: string, withinDays: number, horizonDays: number) {
	const { within, end } = releaseWindow(now, withinDays, horizonDays);
	const cuts = new Set([now.getTime(), within.getTime(), end.getTime()]);
	for (const date of datesFrom(localDate(now, timeZone), horizonDays + 2).slice(1)) {
		const start = dayBounds(date, timeZone).start.getTime();
		if (start > now.getTime() && start < end.getTime()) cuts.add(start);
	}
	const bounds = [...cuts].filter((t) => t <= end.getTime()).sort((a, b) => a - b);
	const spans = bounds.slice(1).map((upper, i) => ({
		date: localDate(new Date(bounds[i]!), timeZone),
		within: upper <= within.getTime()
	}));
	return { bounds: bounds.map((t) => new Date(t)), spans };
}

export type ReportDateCheck =
	{ ok: true; date: string } | { ok: false; error: 'date_invalid' | 'date_not_past' };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A daily report is for a day that is over in the zone: today's figures are still moving (that is the
 * dashboard). Anything that is not a real calendar date is refused with a reason.
 */
export function checkReportDate(
	value: string | null | undefined,
	now: Date,
	timeZone: string
): ReportDateCheck {
	const v = (value ?? '').trim();
	if (!ISO_DATE.test(v)) return { ok: false, error: 'date_invalid' };
	const d = DateTime.fromISO(v, { zone: timeZone });
	if (!d.isValid || d.toISODate() !== v) return { ok: false, error: 'date_invalid' };
	if (v >= localDate(now, timeZone)) return { ok: false, error: 'date_not_past' };
	return { ok: true, date: v };
}

/** Yesterday in the zone: the report people ask for most. */
export function yesterday(now: Date, timeZone: string): string {
	return DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: 1 }).toISODate()!;
}

/** The figures of one site (or of every site in scope, summed) as of one instant. */
export interface SiteFigures {
	observing: Record<PhaseMode, number>;
	admittedToday: number;
	releasedToday: number;
	releasedTotal: number;
	transferredToday: number;
	transferredTotal: number;
	closeContactsTotal: number;
	alerts: { critical: number; warning: number; byKind: Partial<Record<AlertKind, number>> };
	unreached: number;
	deliveriesOverdue: number;
	/** Beds taken and beds in rooms (centralised sites). */
	occupied: number;
	capacity: number;
	awaitingDisinfection: number;
	releasesDue: number;
}

export function emptyFigures(): SiteFigures {
	return {
		observing: { centralised: 0, home_isolation: 0, home_monitoring: 0 },
		admittedToday: 0,
		releasedToday: 0,
		releasedTotal: 0,
		transferredToday: 0,
		transferredTotal: 0,
		closeContactsTotal: 0,
		alerts: { critical: 0, warning: 0, byKind: {} },
		unreached: 0,
		deliveriesOverdue: 0,
		occupied: 0,
		capacity: 0,
		awaitingDisinfection: 0,
		releasesDue: 0
	};
}

export function observingTotal(f: SiteFigures): number {
	return f.observing.centralised + f.observing.home_isolation + f.observing.home_monitoring;
}

/**
 * The sum of per-site figures. `closeContactsTotal` counts people, and a person admitted at two sites
 * counts once in the city's total: pass the distinct total the database counted as `closeContacts`.
 */
export function sumFigures(parts: readonly SiteFigures[], closeContacts?: number): SiteFigures {
	const out = emptyFigures();
	for (const f of parts) {
		for (const mode of PHASE_MODES) out.observing[mode] += f.observing[mode];
		out.admittedToday += f.admittedToday;
		out.releasedToday += f.releasedToday;
		out.releasedTotal += f.releasedTotal;
		out.transferredToday += f.transferredToday;
		out.transferredTotal += f.transferredTotal;
		out.closeContactsTotal += f.closeContactsTotal;
		out.alerts.critical += f.alerts.critical;
		out.alerts.warning += f.alerts.warning;
		for (const [kind, n] of Object.entries(f.alerts.byKind) as [AlertKind, number][])
			out.alerts.byKind[kind] = (out.alerts.byKind[kind] ?? 0) + n;
		out.unreached += f.unreached;
		out.deliveriesOverdue += f.deliveriesOverdue;
		out.occupied += f.occupied;
		out.capacity += f.capacity;
		out.awaitingDisinfection += f.awaitingDisinfection;
		out.releasesDue += f.releasesDue;
	}
	if (closeContacts !== undefined) out.closeContactsTotal = closeContacts;
	return out;
}

/** Occupancy as a whole percentage, or null where there are no beds. */
export function occupancyPercent(f: Pick<SiteFigures, 'occupied' | 'capacity'>): number | null {
	return f.capacity > 0 ? Math.round((f.occupied / f.capacity) * 100) : null;
}

/** Sites grouped by time zone: each group's day starts and ends at the same instants. */
export function byZone<T extends { timeZone: string }>(sites: readonly T[]): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const s of sites) {
		const list = out.get(s.timeZone) ?? [];
		list.push(s);
		out.set(s.timeZone, list);
	}
	return out;
}
