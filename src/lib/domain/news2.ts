/**
 * NEWS2 (Royal College of Physicians, 2017): chart 1 scoring with both SpO2 scales, chart 2 risk bands
 * (clinical-rules §2.1, §2.2). Scored only on a complete set of the six measured parameters, and only
 * for residents it is validated for (DESIGN §3).
 */
import { roundTemperature, type Consciousness, type Reading, type Spo2Scale } from './vitals';

export type News2Risk = 'low' | 'low-medium' | 'medium' | 'high';

export interface News2Subject {
	/** Whole years; null when unknown. */
	age: number | null;
	pregnant: boolean;
	/** The resident's scale, set by a clinician; a reading may name its own. */
	spo2Scale: Spo2Scale;
}

export interface News2Parts {
	respRate: number;
	spo2: number;
	/** Supplemental oxygen: 2, air: 0. */
	air: number;
	systolicBp: number;
	pulse: number;
	consciousness: number;
	temperature: number;
}

export interface News2Result {
	total: number;
	/** A red score: some single parameter scored 3. */
	anySingle3: boolean;
	risk: News2Risk;
	parts: News2Parts;
}

/** NEWS2 is not validated below this age (clinical-rules §2.1, scope). */
export const NEWS2_MIN_AGE = 16;

/**
 * Whether NEWS2 may be scored for this resident. An unknown age does not exclude: the resident is then
 * not known to be a child, and withholding the score would hide deterioration in an adult.
 */
export function news2Applies(subject: Pick<News2Subject, 'age' | 'pregnant'>): boolean {
	if (subject.pregnant) return false;
	return subject.age === null || subject.age >= NEWS2_MIN_AGE;
}

/** The scale a reading is scored on: its own when it names one, else the resident's. */
export function spo2ScaleOf(r: Reading, subject: Pick<News2Subject, 'spo2Scale'>): Spo2Scale {
	return r.spo2Scale ?? subject.spo2Scale;
}

/**
 * Chart 2, first match wins: a red score only lifts a total of 0–4, since 5–6 is already medium
 * whether or not it contains a 3.
 */
export function news2Risk(total: number, anySingle3: boolean): News2Risk {
	if (total >= 7) return 'high';
	if (total >= 5) return 'medium';
	if (anySingle3) return 'low-medium';
	return 'low';
}

// The bands below are chart 1 read from the bottom up: each test is the upper edge of a band, so a
// value between two published integers (which validation refuses anyway) falls into the band above.

function respRatePart(rate: number): number {
	if (rate <= 8) return 3;
	if (rate <= 11) return 1;
	if (rate <= 20) return 0;
	if (rate <= 24) return 2;
	return 3;
}

function spo2Part(spo2: number, scale: Spo2Scale, onOxygen: boolean): number {
	if (scale === 1) {
		if (spo2 <= 91) return 3;
		if (spo2 <= 93) return 2;
		if (spo2 <= 95) return 1;
		return 0;
	}
	if (spo2 <= 83) return 3;
	if (spo2 <= 85) return 2;
	if (spo2 <= 87) return 1;
	if (spo2 <= 92) return 0;
	// Scale 2 targets 88–92: above it on air is harmless, above it on oxygen means too much oxygen.
	if (!onOxygen) return 0;
	if (spo2 <= 94) return 1;
	if (spo2 <= 96) return 2;
	return 3;
}

function systolicPart(systolic: number): number {
	if (systolic <= 90) return 3;
	if (systolic <= 100) return 2;
	if (systolic <= 110) return 1;
	if (systolic <= 219) return 0;
	return 3;
}

function pulsePart(pulse: number): number {
	if (pulse <= 40) return 3;
	if (pulse <= 50) return 1;
	if (pulse <= 90) return 0;
	if (pulse <= 110) return 1;
	if (pulse <= 130) return 2;
	return 3;
}

function consciousnessPart(level: Consciousness): number {
	// New confusion scores like voice, pain or unresponsive: all are red.
	return level === 'A' ? 0 : 3;
}

function temperaturePart(celsius: number): number {
	// The chart is in tenths; scoring the stored (rounded) value keeps the score in step with what staff see.
	const t = roundTemperature(celsius);
	if (t <= 35.0) return 3;
	if (t <= 36.0) return 1;
	if (t <= 38.0) return 0;
	if (t <= 39.0) return 1;
	return 2;
}

/**
 * Scores a reading. Null when any of respiration, SpO2, systolic BP, pulse, consciousness or
 * temperature is missing (a partial score would read as falsely reassuring), or when NEWS2 does not
 * apply to the resident.
 */
export function news2(r: Reading, subject: News2Subject): News2Result | null {
	if (!news2Applies(subject)) return null;
	const { respRate, spo2, systolicBp, pulse, consciousness, temperature } = r;
	if (
		respRate === null ||
		respRate === undefined ||
		spo2 === null ||
		spo2 === undefined ||
		systolicBp === null ||
		systolicBp === undefined ||
		pulse === null ||
		pulse === undefined ||
		consciousness === null ||
		consciousness === undefined ||
		temperature === null ||
		temperature === undefined
	)
		return null;

	const onOxygen = r.onOxygen ?? false;
	const parts: News2Parts = {
		respRate: respRatePart(respRate),
		spo2: spo2Part(spo2, spo2ScaleOf(r, subject), onOxygen),
		air: onOxygen ? 2 : 0,
		systolicBp: systolicPart(systolicBp),
		pulse: pulsePart(pulse),
		consciousness: consciousnessPart(consciousness),
		temperature: temperaturePart(temperature)
	};
	const scores = Object.values(parts);
	const total = scores.reduce((sum, s) => sum + s, 0);
	const anySingle3 = scores.includes(3);
	return { total, anySingle3, risk: news2Risk(total, anySingle3), parts };
}
