/**
 * Isolation plans and a stay's countdown (DESIGN §3 "Plans and days"; clinical-rules §1.3, §1.4).
 *
 * Everything here works on instants and whole 24-hour periods, never on calendar days, so a stay's
 * schedule is the same whatever zone the server runs in; the only zone-aware step is turning an exposure
 * date into its local midnight.
 */
import { DateTime } from 'luxon';

export type PhaseMode = 'centralised' | 'home_isolation' | 'home_monitoring';

export interface PlanPhase {
	mode: PhaseMode;
	days: number;
	/** 1-based days counted from the phase's start. */
	testDays: number[];
}

export type CountsFrom = 'admission' | 'exposure';

export interface Extension {
	phaseIndex: number;
	hours: number;
	reason: string;
	/** ISO instant the extension was decided. */
	at: string;
}

export interface PlanPreset {
	code: string;
	/** zh-CN */
	name: string;
	nameEn: string;
	protocolEdition: string;
	countsFrom: CountsFrom;
	phases: PlanPhase[];
}

export interface ScheduledPhase {
	index: number;
	mode: PhaseMode;
	start: Date;
	end: Date;
	hours: number;
}

export interface Schedule {
	phases: ScheduledPhase[];
	releaseAt: Date;
}

export interface Position {
	state: 'before' | 'during' | 'finished';
	phaseIndex: number;
	phaseDay: number;
	day: number;
	totalDays: number;
	remainingMs: number;
}

export interface TestWindow {
	phaseIndex: number;
	day: number;
	from: Date;
	/** Exclusive: the window is [from, until). */
	until: Date;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

function preset(p: PlanPreset): PlanPreset {
	// Presets are shared by every caller; freezing them stops one stay's edit leaking into the next.
	for (const phase of p.phases) {
		Object.freeze(phase.testDays);
		Object.freeze(phase);
	}
	Object.freeze(p.phases);
	return Object.freeze(p);
}

// Marked pure so that a page importing this module only for its types or DAY_MS does not ship the presets.
export const PLAN_PRESETS: readonly PlanPreset[] = /* @__PURE__ */ Object.freeze([
	/* @__PURE__ */ preset({
		code: 'ed8-14+7',
		name: '密接 14+7（第八版）',
		nameEn: 'Close contact 14+7 (ed. 8)',
		protocolEdition: '第八版',
		countsFrom: 'admission',
		phases: [
			{ mode: 'centralised', days: 14, testDays: [1, 4, 7, 14] },
			{ mode: 'home_monitoring', days: 7, testDays: [2, 7] }
		]
	}),
	/* @__PURE__ */ preset({
		code: 'ed9-7+3',
		name: '密接 7+3（第九版）',
		nameEn: 'Close contact 7+3 (ed. 9)',
		protocolEdition: '第九版',
		countsFrom: 'admission',
		phases: [
			{ mode: 'centralised', days: 7, testDays: [1, 2, 3, 5, 7] },
			{ mode: 'home_monitoring', days: 3, testDays: [3] }
		]
	}),
	/* @__PURE__ */ preset({
		code: 'nov2022-5+3',
		name: '密接 5+3（二十条）',
		nameEn: 'Close contact 5+3 (20 measures, Nov 2022)',
		protocolEdition: '二十条 2022-11',
		countsFrom: 'admission',
		phases: [
			{ mode: 'centralised', days: 5, testDays: [1, 2, 3, 5] },
			{ mode: 'home_isolation', days: 3, testDays: [1, 3] }
		]
	}),
	/* @__PURE__ */ preset({
		code: 'ed9-home-7',
		name: '居家隔离 7 天（第九版）',
		nameEn: 'Home isolation 7 days (ed. 9)',
		protocolEdition: '第九版',
		countsFrom: 'admission',
		phases: [{ mode: 'home_isolation', days: 7, testDays: [1, 4, 7] }]
	}),
	/* @__PURE__ */ preset({
		code: '2020-14',
		name: '密接 14 天（2020 第二至七版）',
		nameEn: 'Close contact 14 days (2020, eds. 2–7)',
		protocolEdition: '2020 第二至七版',
		countsFrom: 'exposure',
		phases: [{ mode: 'centralised', days: 14, testDays: [] }]
	})
]);

export function findPreset(code: string): PlanPreset | undefined {
	return PLAN_PRESETS.find((p) => p.code === code);
}

function assertValidDate(d: Date, what: string): void {
	if (Number.isNaN(d.getTime())) throw new RangeError(`${what} is not a valid date`);
}

/**
 * The instant a stay's period starts: the admission instant, or 00:00 of the exposure date in the site's
 * zone. A plan that counts from exposure falls back to admission when the exposure date is unknown, so
 * a stay can still be admitted and corrected later.
 */
export function periodStart(
	admittedAt: Date,
	countsFrom: CountsFrom,
	exposureDate: string | null,
	timeZone: string
): Date {
	assertValidDate(admittedAt, 'admittedAt');
	// Checked even when unused, so a misconfigured site fails on its first admission, not its first contact.
	if (!DateTime.fromJSDate(admittedAt, { zone: timeZone }).isValid)
		throw new RangeError(`Unknown time zone: ${timeZone}`);
	if (countsFrom === 'admission' || exposureDate === null) return new Date(admittedAt.getTime());
	if (!/^\d{4}-\d{2}-\d{2}$/.test(exposureDate))
		throw new RangeError(`Exposure date must be YYYY-MM-DD: ${exposureDate}`);
	// startOf('day') rather than a literal 00:00, so a zone whose clocks skip midnight still gets a start.
	const midnight = DateTime.fromISO(exposureDate, { zone: timeZone }).startOf('day');
	if (!midnight.isValid) throw new RangeError(`Not a calendar date: ${exposureDate}`);
	return midnight.toJSDate();
}

function assertPhases(phases: readonly PlanPhase[]): void {
	if (phases.length === 0) throw new RangeError('A plan needs at least one phase');
	for (const [i, phase] of phases.entries()) {
		if (!Number.isInteger(phase.days) || phase.days < 1)
			throw new RangeError(`Phase ${i} must last a whole number of days, at least 1 (got ${phase.days})`);
	}
}

function assertExtensionHours(hours: number): void {
	if (!Number.isFinite(hours) || hours <= 0)
		throw new RangeError(`An extension must add a positive number of hours (got ${hours})`);
}

/**
 * Lays the phases end to end from `start`. A phase ends D×24 h after it began plus its extensions, and
 * the next begins at that instant whatever the real handover time, so the plan never drifts.
 */
export function schedule(
	start: Date,
	phases: readonly PlanPhase[],
	extensions: readonly Extension[] = []
): Schedule {
	assertValidDate(start, 'start');
	assertPhases(phases);
	const extraHours = phases.map(() => 0);
	for (const ext of extensions) {
		if (!Number.isInteger(ext.phaseIndex) || ext.phaseIndex < 0 || ext.phaseIndex >= phases.length)
			throw new RangeError(`Extension for phase ${ext.phaseIndex}, but the plan has ${phases.length}`);
		assertExtensionHours(ext.hours);
		extraHours[ext.phaseIndex] = (extraHours[ext.phaseIndex] ?? 0) + ext.hours;
	}

	let cursor = start.getTime();
	const out: ScheduledPhase[] = phases.map((phase, index) => {
		const hours = phase.days * 24 + (extraHours[index] ?? 0);
		const phaseStart = cursor;
		cursor = phaseStart + Math.round(hours * HOUR_MS);
		return { index, mode: phase.mode, start: new Date(phaseStart), end: new Date(cursor), hours };
	});
	return { phases: out, releaseAt: new Date(cursor) };
}

/** 1-based number of the 24-hour period that `offsetMs` (≥ 0) falls in. */
function dayNumber(offsetMs: number): number {
	return Math.floor(offsetMs / DAY_MS) + 1;
}

/**
 * Where a stay stands at `at`. Before the start it reports day 0 and the time to release; from release on
 * it stays on the last day rather than counting past it.
 */
export function position(s: Schedule, at: Date): Position {
	assertValidDate(at, 'at');
	const first = s.phases[0];
	const last = s.phases[s.phases.length - 1];
	if (first === undefined || last === undefined) throw new RangeError('A schedule needs at least one phase');

	const startMs = first.start.getTime();
	const releaseMs = s.releaseAt.getTime();
	const now = at.getTime();
	const totalDays = Math.ceil((releaseMs - startMs) / DAY_MS);
	const remainingMs = Math.max(0, releaseMs - now);

	if (now < startMs) return { state: 'before', phaseIndex: 0, phaseDay: 0, day: 0, totalDays, remainingMs };
	if (now >= releaseMs) {
		const lastDays = Math.ceil((last.end.getTime() - last.start.getTime()) / DAY_MS);
		return {
			state: 'finished',
			phaseIndex: last.index,
			phaseDay: lastDays,
			day: totalDays,
			totalDays,
			remainingMs: 0
		};
	}
	const current = s.phases.find((p) => now < p.end.getTime()) ?? last;
	return {
		state: 'during',
		phaseIndex: current.index,
		phaseDay: dayNumber(now - current.start.getTime()),
		day: dayNumber(now - startMs),
		totalDays,
		remainingMs
	};
}

/**
 * The window in which each scheduled test is due: the k-th 24-hour period of its phase. Test days are
 * returned in order and a day listed twice yields one window, since a stay takes one test per day.
 */
export function testWindows(s: Schedule, phases: readonly PlanPhase[]): TestWindow[] {
	if (s.phases.length !== phases.length)
		throw new RangeError(`The schedule has ${s.phases.length} phases but the plan has ${phases.length}`);
	const windows: TestWindow[] = [];
	for (const [phaseIndex, phase] of phases.entries()) {
		const scheduled = s.phases[phaseIndex];
		if (scheduled === undefined) continue;
		const days = [...new Set(phase.testDays)].sort((a, b) => a - b);
		for (const day of days) {
			if (!Number.isInteger(day) || day < 1 || day > phase.days)
				throw new RangeError(`Test day ${day} is outside phase ${phaseIndex} (1–${phase.days})`);
			const from = scheduled.start.getTime() + (day - 1) * DAY_MS;
			windows.push({ phaseIndex, day, from: new Date(from), until: new Date(from + DAY_MS) });
		}
	}
	return windows;
}

/**
 * Extends the current phase, which moves its end and everything after it. The list is append-only: the
 * earlier schedule can always be rebuilt from the entries before this one, which is how the previous end
 * is kept. A reason is required because the history page and the audit show it.
 */
export function addExtension(
	phases: readonly PlanPhase[],
	extensions: readonly Extension[],
	currentPhaseIndex: number,
	hours: number,
	reason: string,
	at: Date
): Extension[] {
	assertExtensionHours(hours);
	if (!Number.isInteger(currentPhaseIndex) || currentPhaseIndex < 0 || currentPhaseIndex >= phases.length)
		throw new RangeError(`No phase ${currentPhaseIndex} in a plan of ${phases.length}`);
	const why = reason.trim();
	if (why === '') throw new RangeError('An extension needs a reason');
	assertValidDate(at, 'at');
	return [...extensions, { phaseIndex: currentPhaseIndex, hours, reason: why, at: at.toISOString() }];
}
