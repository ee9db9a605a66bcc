/**
 * What the resident page's vital-sign charts plot: one series per vital over the stay, with a null point
 * in every due slot that has no reading (so the line breaks there instead of bridging a day nobody
 * measured), the site's threshold lines, and which points are abnormal. Pure: the page draws it.
 */
import { DateTime } from 'luxon';
import type { Thresholds } from './alert-rules';
import { deadlinesBetween, SLOT_WINDOWS, slotOf, type Slot } from './slot';
import { roundTemperature, type Spo2Scale } from './vitals';

export interface ChartReading {
	id: string;
	takenAt: Date;
	/** The slot stored with the reading; derived from `takenAt` in the site's zone when absent. */
	slot?: Slot;
	slotDate?: string;
	temperature: number | null;
	spo2: number | null;
	/** The scale the reading was taken on; the resident's when absent. */
	spo2Scale?: number | null;
	pulse: number | null;
}

export interface ChartInput {
	readings: readonly ChartReading[];
	/** The admission instant: a slot whose deadline falls before it was not due. */
	from: Date;
	/** Now, or the end of the stay. */
	to: Date;
	timeZone: string;
	thresholds: Thresholds;
	/** The resident's SpO2 scale, whose warning and critical lines the SpO2 chart shows. */
	spo2Scale: Spo2Scale;
}

export interface MissedSlot {
	slotDate: string;
	slot: 'morning' | 'evening';
	deadline: Date;
	/** The slot's window in the site's zone (morning 04:00–12:00, evening 16:00–22:00). */
	start: Date;
	end: Date;
}

/** `high` and `low` are drawn as up and down triangles, so a reader does not need colour to see them. */
export type Flag = 'high' | 'low' | null;

export interface SeriesPoint {
	x: number;
	/** Null marks a missed slot: the line breaks there. */
	y: number | null;
	flag: Flag;
}

export type VitalKind = 'temperature' | 'spo2' | 'pulse';

export interface ThresholdLine {
	id: 'fever' | 'hypoxia_warning' | 'hypoxia_critical';
	value: number;
}

export interface Extreme {
	value: number;
	at: Date;
}

export interface VitalSeries {
	kind: VitalKind;
	points: SeriesPoint[];
	/** How many readings are plotted (the non-null points). */
	count: number;
	abnormal: number;
	lines: ThresholdLine[];
	min: Extreme | null;
	max: Extreme | null;
	/**
	 * The y axis: room for every value, every line, and the missed-slot markers at its bottom; its ends
	 * are multiples of `step`, and there are at most 8 ticks.
	 */
	axis: { min: number; max: number; step: number };
}

export interface ChartSeries {
	from: number;
	to: number;
	missed: MissedSlot[];
	temperature: VitalSeries;
	spo2: VitalSeries;
	pulse: VitalSeries;
}

/** NEWS2's 3-band for pulse, the same edges the red-vital alert uses. */
const PULSE_LOW = 40;
const PULSE_HIGH = 131;
/** NEWS2's 3-band for a low temperature. */
const TEMPERATURE_LOW = 35.0;

/** A temperature at or above the site's fever line is high; one in NEWS2's 3-band (≤ 35.0) is low. */
export function temperatureFlag(celsius: number, t: Thresholds): Flag {
	const v = roundTemperature(celsius);
	return v >= t.fever ? 'high' : v <= TEMPERATURE_LOW ? 'low' : null;
}

/** SpO2 at or below the hypoxia warning line of the scale it was taken on is low. */
export function spo2Flag(spo2: number, scale: Spo2Scale, t: Thresholds): Flag {
	return spo2 <= (scale === 2 ? t.hypoxia.scale2 : t.hypoxia.scale1).warning ? 'low' : null;
}

export function pulseFlag(pulse: number): Flag {
	return pulse >= PULSE_HIGH ? 'high' : pulse <= PULSE_LOW ? 'low' : null;
}

function slotKey(slotDate: string, slot: Slot): string {
	return `${slotDate}|${slot}`;
}

/**
 * The morning and evening slots due between admission and `to` (deadline after admission, at or before
 * `to`) in which no reading was taken, oldest first. Extra-slot readings do not fill a slot.
 */
export function missedSlots(
	readings: readonly Pick<ChartReading, 'takenAt' | 'slot' | 'slotDate'>[],
	from: Date,
	to: Date,
	timeZone: string
): MissedSlot[] {
	const filled = new Set<string>();
	for (const r of readings) {
		const { slot, slotDate } =
			r.slot && r.slotDate ? { slot: r.slot, slotDate: r.slotDate } : slotOf(r.takenAt, timeZone);
		filled.add(slotKey(slotDate, slot));
	}
	return deadlinesBetween(from, to, timeZone)
		.filter((d) => !filled.has(slotKey(d.slotDate, d.slot)))
		.map((d) => {
			const day = DateTime.fromISO(d.slotDate, { zone: timeZone });
			const w = SLOT_WINDOWS[d.slot];
			return {
				...d,
				start: day.set({ hour: w.fromHour }).toJSDate(),
				end: day.set({ hour: w.toHour }).toJSDate()
			};
		});
}

function extremes(points: readonly { x: number; y: number }[]) {
	let min: Extreme | null = null;
	let max: Extreme | null = null;
	for (const p of points) {
		// The first of equal values is named: the earliest time it was reached.
		if (!min || p.y < min.value) min = { value: p.y, at: new Date(p.x) };
		if (!max || p.y > max.value) max = { value: p.y, at: new Date(p.x) };
	}
	return { min, max };
}

const floorTo = (v: number, step: number) => Math.round(Math.floor(v / step + 1e-9) * step * 10) / 10;
const ceilTo = (v: number, step: number) => Math.round(Math.ceil(v / step - 1e-9) * step * 10) / 10;
const STEPS = [0.5, 1, 2, 5, 10, 20, 50];

/** The smallest step that spans [lo, hi] in at most 7 intervals, with the ends on that step. */
export function niceAxis(lo: number, hi: number): { min: number; max: number; step: number } {
	for (const step of STEPS) {
		const min = floorTo(lo, step);
		const max = ceilTo(hi, step);
		if ((max - min) / step <= 7 + 1e-9) return { min, max, step };
	}
	const step = STEPS[STEPS.length - 1]!;
	return { min: floorTo(lo, step), max: ceilTo(hi, step), step };
}

function series(
	kind: VitalKind,
	values: { x: number; y: number; flag: Flag }[],
	missed: readonly MissedSlot[],
	lines: ThresholdLine[],
	bounds: (lo: number | null, hi: number | null) => [number, number]
): VitalSeries {
	const gaps: SeriesPoint[] = missed.map((m) => ({ x: m.deadline.getTime(), y: null, flag: null }));
	const points = [...values, ...gaps].sort((a, b) => a.x - b.x);
	const { min, max } = extremes(values);
	return {
		kind,
		points,
		count: values.length,
		abnormal: values.filter((v) => v.flag !== null).length,
		lines,
		min,
		max,
		axis: niceAxis(...bounds(min?.value ?? null, max?.value ?? null))
	};
}

export function buildChartSeries(input: ChartInput): ChartSeries {
	const { thresholds: t, timeZone } = input;
	const readings = [...input.readings].sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
	const missed = missedSlots(readings, input.from, input.to, timeZone);

	const temperature = readings
		.filter((r) => r.temperature !== null)
		.map((r) => ({
			x: r.takenAt.getTime(),
			y: roundTemperature(r.temperature!),
			flag: temperatureFlag(r.temperature!, t)
		}));
	const spo2 = readings
		.filter((r) => r.spo2 !== null)
		.map((r) => ({
			x: r.takenAt.getTime(),
			y: r.spo2!,
			flag: spo2Flag(r.spo2!, r.spo2Scale === 1 || r.spo2Scale === 2 ? r.spo2Scale : input.spo2Scale, t)
		}));
	const pulse = readings
		.filter((r) => r.pulse !== null)
		.map((r) => ({ x: r.takenAt.getTime(), y: r.pulse!, flag: pulseFlag(r.pulse!) }));

	const hypoxia = input.spo2Scale === 2 ? t.hypoxia.scale2 : t.hypoxia.scale1;
	return {
		from: input.from.getTime(),
		to: input.to.getTime(),
		missed,
		temperature: series('temperature', temperature, missed, [{ id: 'fever', value: t.fever }], (lo, hi) => [
			Math.min(35.5, (lo ?? 36) - 0.3),
			Math.max(t.fever + 0.7, (hi ?? 37) + 0.3)
		]),
		spo2: series(
			'spo2',
			spo2,
			missed,
			[
				{ id: 'hypoxia_warning', value: hypoxia.warning },
				{ id: 'hypoxia_critical', value: hypoxia.critical }
			],
			(lo) => [Math.min(hypoxia.critical - 3, (lo ?? 100) - 2), 100]
		),
		pulse: series('pulse', pulse, missed, [], (lo, hi) => [
			Math.min(50, (lo ?? 60) - 10),
			Math.max(110, (hi ?? 100) + 10)
		])
	};
}
