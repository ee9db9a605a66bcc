/**
 * Readings (DESIGN §3): the accepted ranges, temperature rounding, the rare tails a form confirms twice,
 * and the symptom and consciousness codes. Kept pure so that forms, the API, the database checks and
 * the alert engine all judge a value the same way.
 */

import { SYMPTOMS, type Symptom } from './symptoms';

export { SYMPTOMS, type Symptom };

/** ACVPU: Alert, new Confusion, responds to Voice, to Pain, Unresponsive. */
export const CONSCIOUSNESS = ['A', 'C', 'V', 'P', 'U'] as const;
export type Consciousness = (typeof CONSCIOUSNESS)[number];

export type Spo2Scale = 1 | 2;

/**
 * A reading as the rules see it. Every value may be missing: a ward round often records only a
 * temperature and SpO2, and a self-report may carry symptoms alone.
 */
export interface Reading {
	temperature?: number | null;
	spo2?: number | null;
	/** Absent means the resident's own scale. */
	spo2Scale?: Spo2Scale;
	/** Absent means on air. */
	onOxygen?: boolean;
	pulse?: number | null;
	respRate?: number | null;
	systolicBp?: number | null;
	diastolicBp?: number | null;
	consciousness?: Consciousness | null;
	/** Absent means none reported. */
	symptoms?: readonly string[];
}

export type VitalField = 'temperature' | 'spo2' | 'pulse' | 'respRate' | 'systolicBp' | 'diastolicBp';

export const VITAL_FIELDS: readonly VitalField[] = [
	'temperature',
	'spo2',
	'pulse',
	'respRate',
	'systolicBp',
	'diastolicBp'
];

export interface AcceptedRange {
	readonly min: number;
	readonly max: number;
	/** NEWS2 bands are published for whole numbers, so these are captured as such (clinical-rules §2.1). */
	readonly integer: boolean;
}

/** Wide enough for real extremes; anything outside is a typo or a broken device, so it is refused. */
export const READING_RANGES: { readonly [F in VitalField]: AcceptedRange } = {
	temperature: { min: 30.0, max: 45.0, integer: false },
	spo2: { min: 40, max: 100, integer: true },
	pulse: { min: 20, max: 250, integer: true },
	respRate: { min: 4, max: 80, integer: true },
	systolicBp: { min: 40, max: 300, integer: true },
	diastolicBp: { min: 20, max: 200, integer: true }
};

/**
 * Rounds a temperature half up to 0.1 °C. Multiplying by ten leaves binary noise (1.005 * 10 is
 * 10.049999…), which would round a written half down; cutting to 12 significant digits removes the
 * noise while keeping every digit a thermometer or a person can give.
 */
export function roundTemperature(celsius: number): number {
	if (!Number.isFinite(celsius)) throw new RangeError(`Not a temperature: ${celsius}`);
	const tenths = Number((celsius * 10).toPrecision(12));
	return Math.floor(tenths + 0.5) / 10;
}

/**
 * Whether a value may be stored. A temperature is judged after rounding, because the rounded value is
 * what is stored: 45.04 is kept as 45.0.
 */
export function inAcceptedRange(field: VitalField, value: number): boolean {
	if (!Number.isFinite(value)) return false;
	const range = READING_RANGES[field];
	const v = field === 'temperature' ? roundTemperature(value) : value;
	if (range.integer && !Number.isInteger(v)) return false;
	return v >= range.min && v <= range.max;
}

/** The fields of a reading that hold a value the ranges refuse, in form order. */
export function outOfRange(r: Reading): VitalField[] {
	return VITAL_FIELDS.filter((field) => {
		const v = r[field];
		return v !== null && v !== undefined && !inAcceptedRange(field, v);
	});
}

/** Values real enough to keep but rare enough that a typo is the likelier cause (36.5 typed as 3.65…). */
export const RARE_TAILS = {
	temperature: { below: 35.0, above: 41.0 },
	spo2: { below: 80 }
} as const;

/** Whether a form should ask for this value a second time before saving it. */
export function rareTail(field: VitalField, value: number): boolean {
	// Not a number at all is a range error, not a tail to confirm.
	if (!Number.isFinite(value)) return false;
	if (field === 'temperature') {
		const t = roundTemperature(value);
		return t < RARE_TAILS.temperature.below || t > RARE_TAILS.temperature.above;
	}
	if (field === 'spo2') return value < RARE_TAILS.spo2.below;
	return false;
}

/** The fields of a reading whose values need that second confirmation. */
export function rareTailFields(r: Reading): VitalField[] {
	return VITAL_FIELDS.filter((field) => {
		const v = r[field];
		return v !== null && v !== undefined && rareTail(field, v);
	});
}

export function isSymptom(code: string): code is Symptom {
	return (SYMPTOMS as readonly string[]).includes(code);
}

export function isConsciousness(code: string): code is Consciousness {
	return (CONSCIOUSNESS as readonly string[]).includes(code);
}
