/**
 * Changes to a running stay that move its plan: extensions and the move from one phase to the next
 * (DESIGN §3 "Plans and days"). Pure: the use cases in src/lib/server/stays load and store.
 */
import { DateTime } from 'luxon';
import { addExtension, HOUR_MS, schedule, type Extension, type PlanPhase, type Schedule } from './plan';

export interface StayPlan {
	periodStart: Date;
	planPhases: readonly PlanPhase[];
	extensions: readonly Extension[];
	/** The phase the resident is in now (moves at handover, never by the clock alone). */
	phaseIndex: number;
}

export type ExtendBy = { days: number } | { untilDate: string };

export class StayChangeError extends Error {
	constructor(readonly code: 'not_later' | 'bad_date' | 'bad_days' | 'no_next_phase' | 'phase_not_over') {
		super(code);
	}
}

/** Longest extension at once: beyond this it is a new stay, not an extension. */
export const MAX_EXTENSION_DAYS = 60;

/**
 * Hours an extension adds. By N days: N×24 h. To a date: release moves to that calendar date in the
 * site's zone, at the same time of day it was due, so "extend to the 20th" keeps the usual release hour.
 */
export function extensionHours(current: Schedule, by: ExtendBy, timeZone: string): number {
	if ('days' in by) {
		if (!Number.isInteger(by.days) || by.days < 1 || by.days > MAX_EXTENSION_DAYS)
			throw new StayChangeError('bad_days');
		return by.days * 24;
	}
	if (!/^\d{4}-\d{2}-\d{2}$/.test(by.untilDate)) throw new StayChangeError('bad_date');
	const due = DateTime.fromJSDate(current.releaseAt, { zone: timeZone });
	const target = DateTime.fromISO(by.untilDate, { zone: timeZone });
	if (!target.isValid || !due.isValid) throw new StayChangeError('bad_date');
	const until = target.set({
		hour: due.hour,
		minute: due.minute,
		second: due.second,
		millisecond: due.millisecond
	});
	const hours = (until.toMillis() - current.releaseAt.getTime()) / HOUR_MS;
	if (hours <= 0) throw new StayChangeError('not_later');
	if (hours > MAX_EXTENSION_DAYS * 24) throw new StayChangeError('bad_days');
	return hours;
}

export interface Extended {
	extensions: Extension[];
	phaseIndex: number;
	previousPhaseEnd: Date;
	phaseEnd: Date;
	previousReleaseAt: Date;
	releaseAt: Date;
	hours: number;
}

/**
 * Extends the phase the resident is in: its end and everything after it move, the previous end is
 * returned for the history, and the extension list only grows.
 */
export function extendStay(
	stay: StayPlan,
	by: ExtendBy,
	reason: string,
	timeZone: string,
	at: Date
): Extended {
	const before = schedule(stay.periodStart, stay.planPhases, stay.extensions);
	const hours = extensionHours(before, by, timeZone);
	const extensions = addExtension(stay.planPhases, stay.extensions, stay.phaseIndex, hours, reason, at);
	const after = schedule(stay.periodStart, stay.planPhases, extensions);
	return {
		extensions,
		phaseIndex: stay.phaseIndex,
		previousPhaseEnd: before.phases[stay.phaseIndex]!.end,
		phaseEnd: after.phases[stay.phaseIndex]!.end,
		previousReleaseAt: before.releaseAt,
		releaseAt: after.releaseAt,
		hours
	};
}

export interface PhaseMove {
	from: number;
	to: number;
	mode: PlanPhase['mode'];
	/** The instant the next phase began by the plan (not when staff confirmed it). */
	startsAt: Date;
	/** The stay leaves its room and passes to the resident's community. */
	toCommunity: boolean;
}

/**
 * The move to the next phase, allowed once the current phase is over. The plan is not moved: the
 * next phase began when the current one ended, however late the handover is confirmed.
 */
export function nextPhase(stay: StayPlan, now: Date): PhaseMove {
	const s = schedule(stay.periodStart, stay.planPhases, stay.extensions);
	const current = s.phases[stay.phaseIndex];
	const next = stay.planPhases[stay.phaseIndex + 1];
	if (!current || !next) throw new StayChangeError('no_next_phase');
	if (now.getTime() < current.end.getTime()) throw new StayChangeError('phase_not_over');
	const fromMode = stay.planPhases[stay.phaseIndex]!.mode;
	return {
		from: stay.phaseIndex,
		to: stay.phaseIndex + 1,
		mode: next.mode,
		startsAt: current.end,
		toCommunity: fromMode === 'centralised' && next.mode !== 'centralised'
	};
}
