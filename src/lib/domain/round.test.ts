import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, thresholdsFrom } from './alert-rules';
import {
	doorContradiction,
	isBlankEntry,
	markMeasure,
	needsRareConfirm,
	parseMeasure,
	rangeText,
	type RoundEntry
} from './round';

const entry = (over: Partial<RoundEntry> = {}): RoundEntry => ({
	temperature: '',
	spo2: '',
	symptoms: [],
	door: false,
	confirmRare: false,
	...over
});

describe('parseMeasure', () => {
	it.each([
		['', null],
		['   ', null],
		['36.8', 36.8],
		[' 36.8 ', 36.8],
		['36,8', 36.8],
		['97', 97],
		['37', 37]
	])('reads %j as %j', (raw, value) => {
		expect(parseMeasure(raw)).toEqual({ ok: true, value });
	});

	it.each(['3o.5', '36..5', '-36', '+36', '36.8.1', 'abc', '1e2', '36.', '.5', '1000'])(
		'refuses %j as not a number',
		(raw) => {
			expect(parseMeasure(raw)).toEqual({ ok: false });
		}
	);
});

describe('markMeasure, temperature', () => {
	const t = DEFAULT_THRESHOLDS;
	it.each([
		['36.8', {}],
		['37.2', {}],
		['37.25', { finding: 'fever', severity: 'warning' }],
		['37.3', { finding: 'fever', severity: 'warning' }],
		['38.9', { finding: 'fever', severity: 'warning' }],
		['39.0', { finding: 'high_fever', severity: 'critical' }],
		['41.1', { finding: 'high_fever', severity: 'critical', rare: true }],
		['34.9', { rare: true }],
		['35.0', {}],
		['30.0', { rare: true }],
		['29.9', { error: 'out_of_range' }],
		['45.0', { finding: 'high_fever', severity: 'critical', rare: true }],
		['45.1', { error: 'out_of_range' }],
		['3o.5', { error: 'not_a_number' }],
		['', {}]
	])('%j is marked %j', (raw, mark) => {
		expect(JSON.parse(JSON.stringify(markMeasure('temperature', raw, t)))).toEqual(mark);
	});

	it("follows the site's thresholds", () => {
		const site = thresholdsFrom({ fever: 37.5, feverCritical: 38.5 });
		expect(markMeasure('temperature', '37.4', site).finding).toBeUndefined();
		expect(markMeasure('temperature', '37.5', site).finding).toBe('fever');
		expect(markMeasure('temperature', '38.5', site).finding).toBe('high_fever');
	});
});

describe('markMeasure, SpO2', () => {
	const t = DEFAULT_THRESHOLDS;
	it.each([
		['95', 1, {}],
		['94', 1, { finding: 'low_spo2', severity: 'warning' }],
		['93', 1, { finding: 'low_spo2', severity: 'warning' }],
		['92', 1, { finding: 'very_low_spo2', severity: 'critical' }],
		['79', 1, { finding: 'very_low_spo2', severity: 'critical', rare: true }],
		['80', 1, { finding: 'very_low_spo2', severity: 'critical' }],
		['88', 2, {}],
		['87', 2, { finding: 'low_spo2', severity: 'warning' }],
		['85', 2, { finding: 'very_low_spo2', severity: 'critical' }],
		['39', 1, { error: 'out_of_range' }],
		['101', 1, { error: 'out_of_range' }],
		['96.5', 1, { error: 'whole_number' }]
	] as const)('%s on scale %d is marked %j', (raw, scale, mark) => {
		expect(JSON.parse(JSON.stringify(markMeasure('spo2', raw, t, scale)))).toEqual(mark);
	});
});

describe('rows', () => {
	it('a row with nothing typed or ticked is blank', () => {
		expect(isBlankEntry(entry())).toBe(true);
		expect(isBlankEntry(entry({ temperature: ' ' }))).toBe(true);
		expect(isBlankEntry(entry({ temperature: '36.5' }))).toBe(false);
		expect(isBlankEntry(entry({ symptoms: ['dry_cough'] }))).toBe(false);
		expect(isBlankEntry(entry({ door: true }))).toBe(false);
	});

	it('"did not answer the door" with a value typed is a contradiction', () => {
		expect(doorContradiction(entry({ door: true }))).toBe(false);
		expect(doorContradiction(entry({ door: true, temperature: '36.5' }))).toBe(true);
		expect(doorContradiction(entry({ door: true, symptoms: ['fatigue'] }))).toBe(true);
		expect(doorContradiction(entry({ temperature: '36.5' }))).toBe(false);
	});

	it('a rare extreme needs a confirmation; an out-of-range value is an error instead', () => {
		expect(needsRareConfirm(entry({ temperature: '34.8' }))).toBe(true);
		expect(needsRareConfirm(entry({ temperature: '34.8', confirmRare: true }))).toBe(false);
		expect(needsRareConfirm(entry({ spo2: '78' }))).toBe(true);
		expect(needsRareConfirm(entry({ temperature: '36.8', spo2: '97' }))).toBe(false);
		expect(needsRareConfirm(entry({ temperature: '29' }))).toBe(false);
	});

	it('names the ranges as staff read them', () => {
		expect(rangeText('temperature')).toBe('30.0–45.0');
		expect(rangeText('spo2')).toBe('40–100');
	});
});
