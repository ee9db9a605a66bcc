import { describe, expect, it } from 'vitest';
import { news2, news2Applies, news2Risk, spo2ScaleOf, type News2Parts, type News2Subject } from './news2';
import type { Reading } from './vitals';

const ADULT: News2Subject = { age: 40, pregnant: false, spo2Scale: 1 };
const ADULT_SCALE2: News2Subject = { age: 70, pregnant: false, spo2Scale: 2 };

/** Every parameter in its 0 band, on air. */
const NORMAL: Reading = {
	respRate: 16,
	spo2: 97,
	systolicBp: 120,
	pulse: 70,
	consciousness: 'A',
	temperature: 37.0
};

function scored(r: Reading, subject: News2Subject = ADULT) {
	const result = news2(r, subject);
	if (result === null) throw new Error('expected a NEWS2 score');
	return result;
}

/** Scores one changed parameter and checks that nothing else scored. */
function partOf(change: Reading, part: keyof News2Parts, subject: News2Subject = ADULT): number {
	const result = scored({ ...NORMAL, ...change }, subject);
	const others = Object.entries(result.parts).filter(([k]) => k !== part && k !== 'air');
	expect(others.every(([, v]) => v === 0)).toBe(true);
	expect(result.total).toBe(result.parts[part] + result.parts.air);
	return result.parts[part];
}

describe('news2 chart 1 bands', () => {
	it('scores 0 for a normal set on air', () => {
		expect(scored(NORMAL)).toEqual({
			total: 0,
			anySingle3: false,
			risk: 'low',
			parts: { respRate: 0, spo2: 0, air: 0, systolicBp: 0, pulse: 0, consciousness: 0, temperature: 0 }
		});
	});

	it.each([
		[4, 3],
		[8, 3],
		[9, 1],
		[11, 1],
		[12, 0],
		[20, 0],
		[21, 2],
		[24, 2],
		[25, 3],
		[80, 3]
	])('respiration %s scores %s', (respRate, part) => {
		expect(partOf({ respRate }, 'respRate')).toBe(part);
	});

	it.each([
		[40, 3],
		[91, 3],
		[92, 2],
		[93, 2],
		[94, 1],
		[95, 1],
		[96, 0],
		[100, 0]
	])('SpO2 scale 1 %s scores %s on air and on oxygen', (spo2, part) => {
		expect(partOf({ spo2 }, 'spo2')).toBe(part);
		const onOxygen = scored({ ...NORMAL, spo2, onOxygen: true });
		expect(onOxygen.parts.spo2).toBe(part);
		expect(onOxygen.parts.air).toBe(2);
		expect(onOxygen.total).toBe(part + 2);
	});

	it.each([
		[40, 3, 3],
		[83, 3, 3],
		[84, 2, 2],
		[85, 2, 2],
		[86, 1, 1],
		[87, 1, 1],
		[88, 0, 0],
		[92, 0, 0],
		[93, 0, 1],
		[94, 0, 1],
		[95, 0, 2],
		[96, 0, 2],
		[97, 0, 3],
		[100, 0, 3]
	])('SpO2 scale 2 %s scores %s on air and %s on oxygen', (spo2, onAir, onOxygen) => {
		expect(partOf({ spo2 }, 'spo2', ADULT_SCALE2)).toBe(onAir);
		const oxygen = scored({ ...NORMAL, spo2, onOxygen: true }, ADULT_SCALE2);
		expect(oxygen.parts.spo2).toBe(onOxygen);
		expect(oxygen.parts.air).toBe(2);
		expect(oxygen.total).toBe(onOxygen + 2);
	});

	it.each([
		[undefined, 0],
		[false, 0],
		[true, 2]
	])('onOxygen %s scores %s for air or oxygen', (onOxygen, part) => {
		expect(scored({ ...NORMAL, onOxygen }).parts.air).toBe(part);
	});

	it.each([
		[40, 3],
		[90, 3],
		[91, 2],
		[100, 2],
		[101, 1],
		[110, 1],
		[111, 0],
		[219, 0],
		[220, 3],
		[300, 3]
	])('systolic %s scores %s', (systolicBp, part) => {
		expect(partOf({ systolicBp }, 'systolicBp')).toBe(part);
	});

	it.each([
		[20, 3],
		[40, 3],
		[41, 1],
		[50, 1],
		[51, 0],
		[90, 0],
		[91, 1],
		[110, 1],
		[111, 2],
		[130, 2],
		[131, 3],
		[250, 3]
	])('pulse %s scores %s', (pulse, part) => {
		expect(partOf({ pulse }, 'pulse')).toBe(part);
	});

	it.each([
		['A', 0],
		['C', 3],
		['V', 3],
		['P', 3],
		['U', 3]
	] as const)('consciousness %s scores %s', (consciousness, part) => {
		expect(partOf({ consciousness }, 'consciousness')).toBe(part);
	});

	it.each([
		[30.0, 3],
		[35.0, 3],
		[35.1, 1],
		[36.0, 1],
		[36.1, 0],
		[37.3, 0],
		[38.0, 0],
		[38.1, 1],
		[39.0, 1],
		[39.1, 2],
		[45.0, 2]
	])('temperature %s scores %s', (temperature, part) => {
		expect(partOf({ temperature }, 'temperature')).toBe(part);
	});

	it.each([
		[35.04, 3],
		[35.05, 1],
		[36.04, 1],
		[36.05, 0],
		[38.04, 0],
		[38.05, 1],
		[39.04, 1],
		[39.05, 2]
	])('temperature %s is scored as rounded to one decimal: %s', (temperature, part) => {
		expect(partOf({ temperature }, 'temperature')).toBe(part);
	});

	it('sums to 20 at the worst of every parameter', () => {
		const worst = scored({
			respRate: 4,
			spo2: 80,
			onOxygen: true,
			systolicBp: 60,
			pulse: 30,
			consciousness: 'U',
			temperature: 34
		});
		expect(worst.parts).toEqual({
			respRate: 3,
			spo2: 3,
			air: 2,
			systolicBp: 3,
			pulse: 3,
			consciousness: 3,
			temperature: 3
		});
		expect(worst.total).toBe(20);
		expect(worst.risk).toBe('high');
	});
});

describe('news2 chart 2 risk', () => {
	it.each([
		[0, false, 'low'],
		[4, false, 'low'],
		[3, true, 'low-medium'],
		[4, true, 'low-medium'],
		[5, false, 'medium'],
		[5, true, 'medium'],
		[6, true, 'medium'],
		[6, false, 'medium'],
		[7, false, 'high'],
		[7, true, 'high'],
		[20, true, 'high']
	])('total %s with a single 3: %s is %s', (total, anySingle3, risk) => {
		expect(news2Risk(total, anySingle3)).toBe(risk);
	});

	it.each<[string, Reading, number, boolean, string]>([
		['two 2s', { respRate: 21, pulse: 111 }, 4, false, 'low'],
		['one 1', { pulse: 95 }, 1, false, 'low'],
		['new confusion alone', { consciousness: 'C' }, 3, true, 'low-medium'],
		['a 3 and a 1', { respRate: 8, pulse: 45 }, 4, true, 'low-medium'],
		['a 3 and a 2', { respRate: 21, consciousness: 'V' }, 5, true, 'medium'],
		['three 2s', { respRate: 22, pulse: 115, systolicBp: 95 }, 6, false, 'medium'],
		['two 2s and a 3', { respRate: 22, systolicBp: 95, temperature: 35.0 }, 7, true, 'high'],
		['oxygen and a scale 1 SpO2 of 92', { onOxygen: true, spo2: 92, pulse: 120 }, 6, false, 'medium']
	])('%s: total %s, single 3 %s, %s', (_label, change, total, anySingle3, risk) => {
		const result = scored({ ...NORMAL, ...change });
		expect(result.total).toBe(total);
		expect(result.anySingle3).toBe(anySingle3);
		expect(result.risk).toBe(risk);
	});

	it('does not count oxygen as a single 3, since it scores 2', () => {
		const result = scored({ ...NORMAL, onOxygen: true });
		expect(result).toMatchObject({ total: 2, anySingle3: false, risk: 'low' });
	});
});

describe('news2 completeness and scope', () => {
	it.each(['respRate', 'spo2', 'systolicBp', 'pulse', 'consciousness', 'temperature'] as const)(
		'is null without %s',
		(field) => {
			expect(news2({ ...NORMAL, [field]: undefined }, ADULT)).toBeNull();
			expect(news2({ ...NORMAL, [field]: null }, ADULT)).toBeNull();
		}
	);

	it('does not need diastolic pressure, oxygen or symptoms', () => {
		expect(news2({ ...NORMAL, diastolicBp: null, symptoms: [] }, ADULT)?.total).toBe(0);
	});

	it.each<[number | null, boolean, boolean]>([
		[15, false, false],
		[16, false, true],
		[0, false, false],
		[90, false, true],
		[null, false, true],
		[30, true, false],
		[null, true, false]
	])('age %s, pregnant %s: applies %s', (age, pregnant, applies) => {
		expect(news2Applies({ age, pregnant })).toBe(applies);
		const result = news2({ ...NORMAL, consciousness: 'V' }, { age, pregnant, spo2Scale: 1 });
		expect(result === null ? null : result.total).toBe(applies ? 3 : null);
	});
});

describe('SpO2 scale choice', () => {
	it("uses the reading's scale when it names one, else the resident's", () => {
		expect(spo2ScaleOf({}, ADULT_SCALE2)).toBe(2);
		expect(spo2ScaleOf({ spo2Scale: 1 }, ADULT_SCALE2)).toBe(1);
		expect(spo2ScaleOf({ spo2Scale: 2 }, ADULT)).toBe(2);
		// 88 is in the scale 2 target but a 3 on scale 1.
		expect(scored({ ...NORMAL, spo2: 88 }, ADULT_SCALE2).parts.spo2).toBe(0);
		expect(scored({ ...NORMAL, spo2: 88, spo2Scale: 1 }, ADULT_SCALE2).parts.spo2).toBe(3);
		expect(scored({ ...NORMAL, spo2: 88, spo2Scale: 2 }, ADULT).parts.spo2).toBe(0);
	});
});
