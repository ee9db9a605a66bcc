/**
 * The ward round's rows: how a typed value reads, how it is marked while it is typed, and what makes a
 * row blank or contradictory. The page marks with these as staff type; the server judges with the same
 * functions (and the reading schema), so a value the page calls a fever is the value the alert engine
 * calls a fever.
 */
import type { Thresholds } from './alert-rules';
import { inAcceptedRange, rareTail, READING_RANGES, roundTemperature, type Spo2Scale } from './vitals';

export type RoundMeasure = 'temperature' | 'spo2';

/** What staff typed in one row. Values stay strings until judged, so a typo is kept as typed. */
export interface RoundEntry {
	temperature: string;
	spo2: string;
	symptoms: readonly string[];
	/** Nobody answered the door. */
	door: boolean;
	/** The typed value is a rare extreme and staff have checked it. */
	confirmRare: boolean;
}

export type Parsed = { ok: true; value: number | null } | { ok: false };

/**
 * A typed measure: blank, or a plain decimal number. A decimal comma (36,8, as some tablet keyboards
 * give) reads as a point; anything else (a letter, two points, a sign) is not a number, and is never
 * silently dropped as blank.
 */
export function parseMeasure(raw: string | null | undefined): Parsed {
	const s = (raw ?? '').trim().replace(',', '.');
	if (!s) return { ok: true, value: null };
	if (!/^\d{1,3}(\.\d{1,3})?$/.test(s)) return { ok: false };
	return { ok: true, value: Number(s) };
}

/**
 * How a typed value is marked: an error that stops it being saved, or a finding the alert engine will
 * raise. `rare` asks for a second look at a real but unlikely value.
 */
export interface MeasureMark {
	error?: 'not_a_number' | 'whole_number' | 'out_of_range';
	finding?: 'fever' | 'high_fever' | 'low_spo2' | 'very_low_spo2';
	severity?: 'warning' | 'critical';
	rare?: boolean;
}

export function markMeasure(
	field: RoundMeasure,
	raw: string,
	thresholds: Thresholds,
	spo2Scale: Spo2Scale = 1
): MeasureMark {
	const parsed = parseMeasure(raw);
	if (!parsed.ok) return { error: 'not_a_number' };
	const v = parsed.value;
	if (v === null) return {};
	if (field === 'spo2' && !Number.isInteger(v)) return { error: 'whole_number' };
	if (!inAcceptedRange(field, v)) return { error: 'out_of_range' };
	const rare = rareTail(field, v) || undefined;
	if (field === 'temperature') {
		// Judged as stored (rounded to 0.1 °C), as the alert engine judges it.
		const t = roundTemperature(v);
		if (t >= thresholds.feverCritical) return { finding: 'high_fever', severity: 'critical', rare };
		if (t >= thresholds.fever) return { finding: 'fever', severity: 'warning', rare };
		return { rare };
	}
	const limits = spo2Scale === 2 ? thresholds.hypoxia.scale2 : thresholds.hypoxia.scale1;
	if (v <= limits.critical) return { finding: 'very_low_spo2', severity: 'critical', rare };
	if (v <= limits.warning) return { finding: 'low_spo2', severity: 'warning', rare };
	return { rare };
}

/** The accepted range of a measure as staff read it ("30.0–45.0"). */
export function rangeText(field: RoundMeasure): string {
	const r = READING_RANGES[field];
	return r.integer ? `${r.min}–${r.max}` : `${r.min.toFixed(1)}–${r.max.toFixed(1)}`;
}

/** Nothing typed, ticked or marked: the row is skipped, not refused. */
export function isBlankEntry(e: RoundEntry): boolean {
	return !e.temperature.trim() && !e.spo2.trim() && e.symptoms.length === 0 && !e.door;
}

/** Something was recorded at the door as well as "did not answer": one of the two is a slip. */
export function doorContradiction(e: RoundEntry): boolean {
	return e.door && (!!e.temperature.trim() || !!e.spo2.trim() || e.symptoms.length > 0);
}

/** Whether a typed row holds a rare extreme that staff have not yet confirmed. */
export function needsRareConfirm(e: RoundEntry): boolean {
	if (e.confirmRare) return false;
	return (['temperature', 'spo2'] as const).some((f) => {
		const p = parseMeasure(e[f]);
		return p.ok && p.value !== null && inAcceptedRange(f, p.value) && rareTail(f, p.value);
	});
}
