/**
 * What a resident sees of their own plan (DESIGN §1, issue "Resident portal"): the time left to the
 * planned release, how far along they are, the plan as steps, the latest extension, and what still
 * stands between them and release, each as data a page turns into plain words.
 *
 * Pure: instants in, instants out. Calendar wording (dates in the site's zone) is the page's job.
 */
import { DateTime } from 'luxon';
import type { Thresholds } from './alert-rules';
import { DAY_MS, type Extension, type PlanPhase, type Schedule, schedule } from './plan';
import { SLOT_WINDOWS, localInstant } from './slot';
import type { Block, Checklist } from './release';

const MINUTE_MS = 60_000;

export type CountdownState = 'before' | 'running' | 'due' | 'released' | 'ended';

export interface Countdown {
	state: CountdownState;
	/** Whole days, hours and minutes left; zero once the time is up. */
	days: number;
	hours: number;
	minutes: number;
	/** Share of the plan's time already behind, 0–1. */
	fraction: number;
}

/**
 * Time left to `releaseAt`. Minutes round up, so "0 minutes" only shows once the moment has come: a
 * countdown that reads zero while the release is still ahead would be wrong for up to a minute.
 */
export function countdown(
	s: Pick<Schedule, 'releaseAt'> & { phases: readonly { start: Date }[] },
	now: Date,
	status: 'active' | 'released' | 'ended' = 'active'
): Countdown {
	const start = s.phases[0]!.start.getTime();
	const end = s.releaseAt.getTime();
	const at = now.getTime();
	const fraction = end > start ? Math.min(1, Math.max(0, (at - start) / (end - start))) : 1;
	if (status !== 'active') return { state: status, days: 0, hours: 0, minutes: 0, fraction: 1 };
	const left = Math.max(0, end - at);
	if (left === 0) return { state: 'due', days: 0, hours: 0, minutes: 0, fraction: 1 };
	const totalMinutes = Math.ceil(left / MINUTE_MS);
	const days = Math.floor(totalMinutes / (24 * 60));
	const hours = Math.floor((totalMinutes - days * 24 * 60) / 60);
	const minutes = totalMinutes - days * 24 * 60 - hours * 60;
	return { state: at < start ? 'before' : 'running', days, hours, minutes, fraction };
}

export interface PlanStep {
	index: number;
	mode: PlanPhase['mode'];
	start: Date;
	end: Date;
	state: 'done' | 'current' | 'upcoming';
	/** Hours this phase was extended by, in total. */
	extendedHours: number;
}

/**
 * The plan as steps. The current step is the phase the stay is recorded in (`phaseIndex`): a phase
 * whose time is over stays current until staff hand the resident over, which is what the resident lives.
 */
export function planSteps(s: Schedule, extensions: readonly Extension[], phaseIndex: number): PlanStep[] {
	return s.phases.map((p) => ({
		index: p.index,
		mode: p.mode,
		start: p.start,
		end: p.end,
		state: p.index < phaseIndex ? 'done' : p.index === phaseIndex ? 'current' : 'upcoming',
		extendedHours: extensions.filter((e) => e.phaseIndex === p.index).reduce((sum, e) => sum + e.hours, 0)
	}));
}

export interface ExtensionNote {
	hours: number;
	/** Whole days when the extension is a multiple of 24 h, otherwise null (then say hours). */
	days: number | null;
	reason: string;
	at: Date;
	previousReleaseAt: Date;
	releaseAt: Date;
}

/** The latest extension, with the release instant before and after it; null if never extended. */
export function latestExtension(
	start: Date,
	phases: readonly PlanPhase[],
	extensions: readonly Extension[]
): ExtensionNote | null {
	const last = extensions[extensions.length - 1];
	if (!last) return null;
	const before = schedule(start, phases, extensions.slice(0, -1)).releaseAt;
	const after = schedule(start, phases, extensions).releaseAt;
	return {
		hours: last.hours,
		days: last.hours % 24 === 0 ? last.hours / 24 : null,
		reason: last.reason,
		at: new Date(last.at),
		previousReleaseAt: before,
		releaseAt: after
	};
}

export type NeedCode =
	| 'test_pending'
	| 'test_awaiting_result'
	| 'test_resample'
	| 'test_positive'
	| 'temperatures_needed'
	| 'fever_free_24h'
	| 'alert_follow_up';

export interface Need {
	code: NeedCode;
	/** For tests: the plan day counted from the start of the whole plan (day 1 = the first 24 h). */
	day?: number;
	/** For tests: when it is due (the start of its 24-hour window). */
	dueAt?: Date;
	/** For temperatures: how many more are needed. */
	count?: number;
}

const NEED_OF: Partial<Record<Block['code'], NeedCode>> = {
	test_not_sampled: 'test_pending',
	test_no_result: 'test_awaiting_result',
	test_invalid: 'test_resample',
	test_positive: 'test_positive',
	too_few_temperatures: 'temperatures_needed',
	fever_last_24h: 'fever_free_24h',
	critical_alert_active: 'alert_follow_up'
};

/**
 * What still stands between the resident and release, in the checklist's order, without the plan's
 * time (the countdown says that). A test is named by its day in the whole plan, as residents count.
 */
export function remainingNeeds(checklist: Checklist, s: Schedule, minTemperatures = 2): Need[] {
	const start = s.phases[0]!.start.getTime();
	const needs: Need[] = [];
	for (const c of checklist.criteria) {
		for (const b of c.blocks) {
			const code = NEED_OF[b.code];
			if (!code) continue;
			const need: Need = { code };
			if (b.test) {
				const phase = s.phases[b.test.phaseIndex];
				if (phase) {
					const from = phase.start.getTime() + (b.test.day - 1) * DAY_MS;
					need.day = Math.floor((from - start) / DAY_MS) + 1;
					need.dueAt = new Date(from);
				}
			}
			if (b.code === 'too_few_temperatures') need.count = Math.max(1, minTemperatures - (b.count ?? 0));
			needs.push(need);
		}
	}
	return needs;
}

export interface CheckInReading {
	takenAt: Date;
	slot: 'morning' | 'evening' | 'extra';
	slotDate: string;
	temperature: number | null;
	spo2: number | null;
}

export interface CheckIn {
	slot: 'morning' | 'evening';
	/** done: a reading in the slot; due: its window is open; upcoming: later today; missed: window closed. */
	state: 'done' | 'due' | 'upcoming' | 'missed';
	from: Date;
	until: Date;
	/** The latest reading of the slot. */
	reading: CheckInReading | null;
}

/** Today's morning and evening check-ins in the site's zone, each done, due, still to come or missed. */
export function todayCheckIns(now: Date, timeZone: string, readings: readonly CheckInReading[]): CheckIn[] {
	const today = DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
	return (['morning', 'evening'] as const).map((slot) => {
		const w = SLOT_WINDOWS[slot];
		const from = localInstant(today, w.fromHour, 0, timeZone);
		const until = localInstant(today, w.toHour, 0, timeZone);
		const mine = readings
			.filter((r) => r.slot === slot && r.slotDate === today)
			.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
		const reading = mine[0] ?? null;
		const at = now.getTime();
		const state = reading
			? 'done'
			: at < from.getTime()
				? 'upcoming'
				: at < until.getTime()
					? 'due'
					: 'missed';
		return { slot, state, from, until, reading };
	});
}

export type Advice = 'call_now' | 'staff_told' | 'normal';

/**
 * What a resident is told about their own reading: call the site now for a dangerous oxygen level or
 * breathlessness; staff have been told of a fever, a low-ish oxygen level or a new symptom; otherwise
 * thanks. The lines are the site's alert thresholds, so the advice matches the alert staff see.
 */
export function adviceFor(
	r: { temperature: number | null; spo2: number | null; symptoms: readonly string[] },
	th: Thresholds,
	spo2Scale: 1 | 2 = 1
): Advice {
	const hyp = spo2Scale === 2 ? th.hypoxia.scale2 : th.hypoxia.scale1;
	if (r.spo2 !== null && r.spo2 <= hyp.critical) return 'call_now';
	if (r.symptoms.includes('shortness_of_breath')) return 'call_now';
	if (r.temperature !== null && r.temperature >= th.feverCritical) return 'call_now';
	if (r.temperature !== null && r.temperature >= th.fever) return 'staff_told';
	if (r.spo2 !== null && r.spo2 <= hyp.warning) return 'staff_told';
	if (r.symptoms.length) return 'staff_told';
	return 'normal';
}
