import { describe, expect, it } from 'vitest';
import {
	CONSCIOUSNESS,
	inAcceptedRange,
	isConsciousness,
	isSymptom,
	outOfRange,
	rareTail,
	rareTailFields,
	READING_RANGES,
	roundTemperature,
	SYMPTOMS,
	type VitalField
} from './vitals';

describe('roundTemperature', () => {
	it.each([
		[37.25, 37.3],
		[37.249, 37.2],
		[36.35, 36.4],
		[36.349, 36.3],
		[36.45, 36.5],
		[38.05, 38.1],
		[35.05, 35.1],
		[39.15, 39.2],
		[37.2, 37.2],
		[37.3, 37.3],
		[36.96, 37],
		[36.94, 36.9],
		[37, 37],
		[44.95, 45],
		[30.04, 30]
	])('%s rounds to %s', (input, rounded) => {
		expect(roundTemperature(input)).toBe(rounded);
	});

	it('rounds every written half up, including those stored just below the half', () => {
		// 37.15 is held as 37.14999…, so toFixed(1) gives 37.1; the written value must win.
		expect((37.15).toFixed(1)).toBe('37.1');
		expect(roundTemperature(37.15)).toBe(37.2);
		expect(roundTemperature(38.05)).toBe(38.1);
		expect(roundTemperature(35.05)).toBe(35.1);
		for (let hundredths = 3005; hundredths <= 4495; hundredths += 10) {
			expect(roundTemperature(hundredths / 100)).toBe((hundredths + 5) / 100);
		}
	});

	it('rounds a value just under a half down', () => {
		expect(roundTemperature(37.1499)).toBe(37.1);
		expect(roundTemperature(38.0499)).toBe(38);
	});

	it('refuses what is not a number', () => {
		expect(() => roundTemperature(Number.NaN)).toThrow(RangeError);
		expect(() => roundTemperature(Number.POSITIVE_INFINITY)).toThrow(RangeError);
	});
});

describe('accepted ranges', () => {
	it('are the ranges of DESIGN §3', () => {
		expect(READING_RANGES).toEqual({
			temperature: { min: 30, max: 45, integer: false },
			spo2: { min: 40, max: 100, integer: true },
			pulse: { min: 20, max: 250, integer: true },
			respRate: { min: 4, max: 80, integer: true },
			systolicBp: { min: 40, max: 300, integer: true },
			diastolicBp: { min: 20, max: 200, integer: true }
		});
	});

	it.each<[VitalField, number, boolean]>([
		['temperature', 29.9, false],
		['temperature', 30.0, true],
		['temperature', 45.0, true],
		['temperature', 45.1, false],
		['spo2', 39, false],
		['spo2', 40, true],
		['spo2', 100, true],
		['spo2', 101, false],
		['pulse', 19, false],
		['pulse', 20, true],
		['pulse', 250, true],
		['pulse', 251, false],
		['respRate', 3, false],
		['respRate', 4, true],
		['respRate', 80, true],
		['respRate', 81, false],
		['systolicBp', 39, false],
		['systolicBp', 40, true],
		['systolicBp', 300, true],
		['systolicBp', 301, false],
		['diastolicBp', 19, false],
		['diastolicBp', 20, true],
		['diastolicBp', 200, true],
		['diastolicBp', 201, false]
	])('%s %s accepted: %s', (field, value, ok) => {
		expect(inAcceptedRange(field, value)).toBe(ok);
	});

	it('judges a temperature as it will be stored, after rounding', () => {
		expect(inAcceptedRange('temperature', 45.04)).toBe(true);
		expect(inAcceptedRange('temperature', 45.05)).toBe(false);
		expect(inAcceptedRange('temperature', 29.95)).toBe(true);
		expect(inAcceptedRange('temperature', 29.94)).toBe(false);
	});

	it('refuses fractions where the bands are whole numbers, and non-numbers everywhere', () => {
		expect(inAcceptedRange('spo2', 95.5)).toBe(false);
		expect(inAcceptedRange('pulse', 72.1)).toBe(false);
		expect(inAcceptedRange('temperature', 36.55)).toBe(true);
		expect(inAcceptedRange('pulse', Number.NaN)).toBe(false);
		expect(inAcceptedRange('temperature', Number.NaN)).toBe(false);
	});

	it('lists the refused fields of a reading, ignoring missing ones', () => {
		expect(outOfRange({ temperature: 3.65, spo2: 98, pulse: 300, respRate: null })).toEqual([
			'temperature',
			'pulse'
		]);
		expect(outOfRange({ temperature: 36.5, diastolicBp: 80 })).toEqual([]);
		expect(outOfRange({})).toEqual([]);
	});
});

describe('rare tails', () => {
	it.each<[VitalField, number, boolean]>([
		['temperature', 34.9, true],
		['temperature', 35.0, false],
		['temperature', 41.0, false],
		['temperature', 41.1, true],
		['temperature', 34.96, false],
		['temperature', 41.04, false],
		['temperature', 41.05, true],
		['spo2', 79, true],
		['spo2', 80, false],
		['pulse', 30, false],
		['respRate', 5, false]
	])('%s %s needs a second confirmation: %s', (field, value, tail) => {
		expect(rareTail(field, value)).toBe(tail);
	});

	it('lists the fields of a reading to confirm', () => {
		expect(rareTailFields({ temperature: 34.2, spo2: 75, pulse: 30 })).toEqual(['temperature', 'spo2']);
		expect(rareTailFields({ temperature: 36.8, spo2: 97 })).toEqual([]);
		expect(rareTailFields({ temperature: null, spo2: Number.NaN })).toEqual([]);
	});
});

describe('codes', () => {
	it('has the nine symptoms of DESIGN §3 in form order', () => {
		expect(SYMPTOMS).toEqual([
			'fever',
			'dry_cough',
			'fatigue',
			'sore_throat',
			'smell_taste_loss',
			'diarrhoea',
			'shortness_of_breath',
			'muscle_ache',
			'runny_nose'
		]);
		expect(isSymptom('dry_cough')).toBe(true);
		expect(isSymptom('cough')).toBe(false);
	});

	it('has ACVPU', () => {
		expect(CONSCIOUSNESS).toEqual(['A', 'C', 'V', 'P', 'U']);
		expect(isConsciousness('V')).toBe(true);
		expect(isConsciousness('a')).toBe(false);
	});
});
