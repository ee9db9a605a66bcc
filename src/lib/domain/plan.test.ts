// The TZ test switches process.env.TZ; TypeScript 6 no longer loads Node's types unless asked.
/// <reference types="node" />
import { describe, expect, it } from 'vitest';
import {
	addExtension,
	DAY_MS,
	findPreset,
	HOUR_MS,
	periodStart,
	PLAN_PRESETS,
	position,
	schedule,
	testWindows,
	type Extension,
	type PlanPhase,
	type PlanPreset
} from './plan';

const SH = 'Asia/Shanghai';

function presetOf(code: string): PlanPreset {
	const p = findPreset(code);
	if (p === undefined) throw new Error(`missing preset ${code}`);
	return p;
}

const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString();
const shift = (d: Date, ms: number): Date => new Date(d.getTime() + ms);

function ext(phaseIndex: number, hours: number): Extension {
	return { phaseIndex, hours, reason: 'test', at: '2022-07-05T02:00:00.000Z' };
}

describe('PLAN_PRESETS', () => {
	it('ships exactly the five presets, in order', () => {
		expect(PLAN_PRESETS.map((p) => p.code)).toEqual([
			'ed8-14+7',
			'ed9-7+3',
			'nov2022-5+3',
			'ed9-home-7',
			'2020-14'
		]);
	});

	it.each([
		[
			'ed8-14+7',
			'第八版',
			'admission',
			[
				{ mode: 'centralised', days: 14, testDays: [1, 4, 7, 14] },
				{ mode: 'home_monitoring', days: 7, testDays: [2, 7] }
			]
		],
		[
			'ed9-7+3',
			'第九版',
			'admission',
			[
				{ mode: 'centralised', days: 7, testDays: [1, 2, 3, 5, 7] },
				{ mode: 'home_monitoring', days: 3, testDays: [3] }
			]
		],
		[
			'nov2022-5+3',
			'二十条 2022-11',
			'admission',
			[
				{ mode: 'centralised', days: 5, testDays: [1, 2, 3, 5] },
				{ mode: 'home_isolation', days: 3, testDays: [1, 3] }
			]
		],
		['ed9-home-7', '第九版', 'admission', [{ mode: 'home_isolation', days: 7, testDays: [1, 4, 7] }]],
		['2020-14', '2020 第二至七版', 'exposure', [{ mode: 'centralised', days: 14, testDays: [] }]]
	])('%s: edition %s, counts from %s, phases as the protocol', (code, edition, countsFrom, phases) => {
		const p = presetOf(code);
		expect(p.protocolEdition).toBe(edition);
		expect(p.countsFrom).toBe(countsFrom);
		expect(p.phases).toEqual(phases);
	});

	it('names each preset in Chinese and English', () => {
		expect(presetOf('ed8-14+7').name).toBe('密接 14+7（第八版）');
		expect(presetOf('ed8-14+7').nameEn).toBe('Close contact 14+7 (ed. 8)');
		for (const p of PLAN_PRESETS) {
			expect(p.name).toMatch(/[\u4e00-\u9fff]/);
			expect(p.nameEn).toMatch(/^[\x20-\x7e–]+$/);
		}
		expect(new Set(PLAN_PRESETS.map((p) => p.name)).size).toBe(PLAN_PRESETS.length);
		expect(new Set(PLAN_PRESETS.map((p) => p.nameEn)).size).toBe(PLAN_PRESETS.length);
	});

	it('keeps every test day inside its phase', () => {
		for (const p of PLAN_PRESETS) {
			for (const phase of p.phases) {
				for (const d of phase.testDays) {
					expect(d).toBeGreaterThanOrEqual(1);
					expect(d).toBeLessThanOrEqual(phase.days);
				}
			}
		}
	});

	it('cannot be changed by a caller', () => {
		const p = presetOf('ed9-7+3');
		expect(Object.isFrozen(PLAN_PRESETS)).toBe(true);
		expect(Object.isFrozen(p)).toBe(true);
		expect(Object.isFrozen(p.phases)).toBe(true);
		expect(Object.isFrozen(p.phases[0])).toBe(true);
		expect(Object.isFrozen(p.phases[0]?.testDays)).toBe(true);
		expect(() => {
			(p.phases[0] as PlanPhase).days = 3;
		}).toThrow(TypeError);
		expect(p.phases[0]?.days).toBe(7);
	});

	it('finds a preset by code and nothing for an unknown code', () => {
		expect(findPreset('2020-14')?.countsFrom).toBe('exposure');
		expect(findPreset('ed10')).toBeUndefined();
	});
});

describe('periodStart', () => {
	const admitted = at('2022-07-01T14:00:00Z');

	it('is the admission instant for a plan that counts from admission, ignoring any exposure date', () => {
		expect(iso(periodStart(admitted, 'admission', null, SH))).toBe('2022-07-01T14:00:00.000Z');
		expect(iso(periodStart(admitted, 'admission', '2022-06-28', SH))).toBe('2022-07-01T14:00:00.000Z');
	});

	it('returns a copy, not the caller’s Date', () => {
		const start = periodStart(admitted, 'admission', null, SH);
		expect(start).not.toBe(admitted);
		start.setTime(0);
		expect(iso(admitted)).toBe('2022-07-01T14:00:00.000Z');
	});

	it('is 00:00 of the exposure date in the site zone', () => {
		expect(iso(periodStart(admitted, 'exposure', '2022-06-28', SH))).toBe('2022-06-27T16:00:00.000Z');
	});

	it('depends on the site zone, and only on it', () => {
		expect(iso(periodStart(admitted, 'exposure', '2024-02-29', SH))).toBe('2024-02-28T16:00:00.000Z');
		expect(iso(periodStart(admitted, 'exposure', '2024-02-29', 'Asia/Tokyo'))).toBe(
			'2024-02-28T15:00:00.000Z'
		);
		expect(iso(periodStart(admitted, 'exposure', '2024-02-29', 'Europe/London'))).toBe(
			'2024-02-29T00:00:00.000Z'
		);
		expect(iso(periodStart(admitted, 'exposure', '2024-02-29', 'UTC'))).toBe('2024-02-29T00:00:00.000Z');
		expect(iso(periodStart(admitted, 'exposure', '2024-07-01', 'America/New_York'))).toBe(
			'2024-07-01T04:00:00.000Z'
		);
	});

	it('falls back to the admission instant when the exposure date is unknown', () => {
		expect(iso(periodStart(admitted, 'exposure', null, SH))).toBe('2022-07-01T14:00:00.000Z');
	});

	it('finds a start on a day whose local midnight does not exist (Santiago springs forward at 00:00)', () => {
		expect(iso(periodStart(admitted, 'exposure', '2022-09-11', 'America/Santiago'))).toBe(
			'2022-09-11T04:00:00.000Z'
		);
	});

	it.each([
		'2024-02-30',
		'2023-02-29',
		'2022-13-01',
		'2022-00-10',
		'2022-6-1',
		'20220601',
		'',
		'2022-06-01T00:00'
	])('refuses the exposure date %j', (bad) => {
		expect(() => periodStart(admitted, 'exposure', bad, SH)).toThrow(RangeError);
	});

	it('refuses an unknown zone and an invalid admission instant', () => {
		expect(() => periodStart(admitted, 'exposure', '2022-06-28', 'Mars/Olympus')).toThrow(RangeError);
		expect(() => periodStart(admitted, 'admission', null, 'Mars/Olympus')).toThrow(RangeError);
		expect(() => periodStart(new Date(Number.NaN), 'admission', null, SH)).toThrow(RangeError);
	});
});

describe('schedule and position for each preset', () => {
	it('ed8-14+7: 14 d centralised then 7 d home monitoring', () => {
		const p = presetOf('ed8-14+7');
		const start = periodStart(at('2021-08-01T10:00:00+08:00'), p.countsFrom, null, SH);
		const s = schedule(start, p.phases);
		expect(s.phases.map((ph) => [ph.index, ph.mode, iso(ph.start), iso(ph.end), ph.hours])).toEqual([
			[0, 'centralised', '2021-08-01T02:00:00.000Z', '2021-08-15T02:00:00.000Z', 336],
			[1, 'home_monitoring', '2021-08-15T02:00:00.000Z', '2021-08-22T02:00:00.000Z', 168]
		]);
		expect(iso(s.releaseAt)).toBe('2021-08-22T02:00:00.000Z');

		expect(position(s, at('2021-08-15T01:59:59.999Z'))).toEqual({
			state: 'during',
			phaseIndex: 0,
			phaseDay: 14,
			day: 14,
			totalDays: 21,
			remainingMs: 7 * DAY_MS + 1
		});
		expect(position(s, at('2021-08-15T02:00:00Z'))).toMatchObject({ phaseIndex: 1, phaseDay: 1, day: 15 });
		expect(position(s, at('2021-08-22T01:59:59.999Z'))).toEqual({
			state: 'during',
			phaseIndex: 1,
			phaseDay: 7,
			day: 21,
			totalDays: 21,
			remainingMs: 1
		});
		expect(position(s, s.releaseAt)).toEqual({
			state: 'finished',
			phaseIndex: 1,
			phaseDay: 7,
			day: 21,
			totalDays: 21,
			remainingMs: 0
		});
	});

	it('ed9-7+3, admitted at 22:00 Shanghai: every day, and release, turn at 22:00 local', () => {
		const p = presetOf('ed9-7+3');
		const start = periodStart(at('2022-07-01T22:00:00+08:00'), p.countsFrom, null, SH);
		const s = schedule(start, p.phases);
		expect(iso(s.phases[0]!.end)).toBe('2022-07-08T14:00:00.000Z');
		expect(iso(s.phases[1]!.start)).toBe('2022-07-08T14:00:00.000Z');
		expect(iso(s.releaseAt)).toBe('2022-07-11T14:00:00.000Z');

		// Local midnight means nothing: the first day runs until 22:00 the next evening.
		expect(position(s, at('2022-07-02T00:00:00+08:00'))).toMatchObject({ day: 1, phaseDay: 1 });
		expect(position(s, at('2022-07-02T21:59:59.999+08:00'))).toMatchObject({ day: 1 });
		expect(position(s, at('2022-07-02T22:00:00+08:00'))).toMatchObject({ day: 2 });
		expect(position(s, at('2022-07-08T21:59:59.999+08:00'))).toMatchObject({
			phaseIndex: 0,
			phaseDay: 7,
			day: 7
		});
		expect(position(s, at('2022-07-08T22:00:00+08:00'))).toMatchObject({
			phaseIndex: 1,
			phaseDay: 1,
			day: 8
		});
		expect(position(s, at('2022-07-11T21:59:59.999+08:00'))).toMatchObject({
			state: 'during',
			phaseIndex: 1,
			phaseDay: 3,
			day: 10,
			totalDays: 10
		});
		expect(position(s, at('2022-07-11T22:00:00+08:00'))).toMatchObject({ state: 'finished', day: 10 });

		expect(testWindows(s, p.phases).map((w) => [w.phaseIndex, w.day, iso(w.from), iso(w.until)])).toEqual([
			[0, 1, '2022-07-01T14:00:00.000Z', '2022-07-02T14:00:00.000Z'],
			[0, 2, '2022-07-02T14:00:00.000Z', '2022-07-03T14:00:00.000Z'],
			[0, 3, '2022-07-03T14:00:00.000Z', '2022-07-04T14:00:00.000Z'],
			[0, 5, '2022-07-05T14:00:00.000Z', '2022-07-06T14:00:00.000Z'],
			[0, 7, '2022-07-07T14:00:00.000Z', '2022-07-08T14:00:00.000Z'],
			[1, 3, '2022-07-10T14:00:00.000Z', '2022-07-11T14:00:00.000Z']
		]);
	});

	it('nov2022-5+3: 5 d centralised then 3 d home isolation', () => {
		const p = presetOf('nov2022-5+3');
		const s = schedule(periodStart(at('2022-11-12T09:30:00+08:00'), p.countsFrom, null, SH), p.phases);
		expect(iso(s.phases[0]!.end)).toBe('2022-11-17T01:30:00.000Z');
		expect(iso(s.releaseAt)).toBe('2022-11-20T01:30:00.000Z');
		expect(position(s, at('2022-11-17T01:29:59.999Z'))).toMatchObject({ phaseIndex: 0, phaseDay: 5, day: 5 });
		expect(position(s, at('2022-11-20T01:29:59.999Z'))).toMatchObject({
			phaseIndex: 1,
			phaseDay: 3,
			day: 8,
			totalDays: 8
		});
		expect(testWindows(s, p.phases).map((w) => [w.phaseIndex, w.day, iso(w.from)])).toEqual([
			[0, 1, '2022-11-12T01:30:00.000Z'],
			[0, 2, '2022-11-13T01:30:00.000Z'],
			[0, 3, '2022-11-14T01:30:00.000Z'],
			[0, 5, '2022-11-16T01:30:00.000Z'],
			[1, 1, '2022-11-17T01:30:00.000Z'],
			[1, 3, '2022-11-19T01:30:00.000Z']
		]);
	});

	it('ed9-home-7: one 7-day home isolation phase', () => {
		const p = presetOf('ed9-home-7');
		const s = schedule(periodStart(at('2022-08-10T00:00:00+08:00'), p.countsFrom, null, SH), p.phases);
		expect(s.phases).toHaveLength(1);
		expect(iso(s.releaseAt)).toBe('2022-08-16T16:00:00.000Z');
		expect(position(s, at('2022-08-16T15:59:59.999Z'))).toMatchObject({
			state: 'during',
			phaseIndex: 0,
			phaseDay: 7,
			day: 7,
			totalDays: 7
		});
		expect(testWindows(s, p.phases).map((w) => [w.day, iso(w.from), iso(w.until)])).toEqual([
			[1, '2022-08-09T16:00:00.000Z', '2022-08-10T16:00:00.000Z'],
			[4, '2022-08-12T16:00:00.000Z', '2022-08-13T16:00:00.000Z'],
			[7, '2022-08-15T16:00:00.000Z', '2022-08-16T16:00:00.000Z']
		]);
	});

	it('2020-14: 14 days from 00:00 of the last exposure, with no scheduled tests', () => {
		const p = presetOf('2020-14');
		const start = periodStart(at('2020-02-05T15:00:00+08:00'), p.countsFrom, '2020-02-03', SH);
		const s = schedule(start, p.phases);
		expect(iso(start)).toBe('2020-02-02T16:00:00.000Z');
		expect(iso(s.releaseAt)).toBe('2020-02-16T16:00:00.000Z');
		// Admitted on the third day since exposure.
		expect(position(s, at('2020-02-05T15:00:00+08:00'))).toMatchObject({ day: 3, totalDays: 14 });
		expect(position(s, at('2020-02-16T23:59:59.999+08:00'))).toMatchObject({ state: 'during', day: 14 });
		expect(position(s, at('2020-02-17T00:00:00+08:00'))).toMatchObject({ state: 'finished', day: 14 });
		expect(testWindows(s, p.phases)).toEqual([]);
	});
});

describe('counting from exposure across month ends and leap days', () => {
	const p = presetOf('2020-14');
	const release = (exposure: string, zone = SH): string =>
		iso(schedule(periodStart(at('2030-01-01T00:00:00Z'), 'exposure', exposure, zone), p.phases).releaseAt);

	it('crosses the end of January', () => {
		expect(release('2022-01-25')).toBe('2022-02-07T16:00:00.000Z');
	});

	it('crosses the end of a year', () => {
		expect(release('2021-12-31')).toBe('2022-01-13T16:00:00.000Z');
	});

	it('counts 29 February in a leap year and not in a common year', () => {
		expect(release('2024-02-20')).toBe('2024-03-04T16:00:00.000Z'); // 00:00 on 5 March in Shanghai
		expect(release('2023-02-20')).toBe('2023-03-05T16:00:00.000Z'); // 00:00 on 6 March
	});

	it('starts on the leap day itself', () => {
		const s = schedule(periodStart(at('2024-03-01T00:00:00Z'), 'exposure', '2024-02-29', SH), p.phases);
		expect(iso(s.phases[0]!.start)).toBe('2024-02-28T16:00:00.000Z');
		expect(iso(s.releaseAt)).toBe('2024-03-13T16:00:00.000Z');
		expect(position(s, at('2024-02-29T23:59:59.999+08:00'))).toMatchObject({ day: 1 });
		expect(position(s, at('2024-03-01T00:00:00+08:00'))).toMatchObject({ day: 2 });
	});

	it('numbers the leap day as day 10 of a stay exposed on 20 February', () => {
		const s = schedule(periodStart(at('2024-03-01T00:00:00Z'), 'exposure', '2024-02-20', SH), p.phases);
		expect(position(s, at('2024-02-29T12:00:00+08:00'))).toMatchObject({ day: 10 });
	});

	it('keeps exact 24-hour days across a daylight-saving change, so the local release time moves', () => {
		// New York springs forward on 10 March 2024; 14×24 h from local midnight ends at 01:00 EDT.
		expect(release('2024-03-01', 'America/New_York')).toBe('2024-03-15T05:00:00.000Z');
	});
});

describe('independence from the process time zone', () => {
	function underTz<T>(tz: string, fn: () => T): T {
		const previous = process.env.TZ;
		process.env.TZ = tz;
		try {
			return fn();
		} finally {
			if (previous === undefined) delete process.env.TZ;
			else process.env.TZ = previous;
		}
	}

	function everything(): string {
		const exposed = presetOf('2020-14');
		const s1 = schedule(
			periodStart(at('2024-03-02T09:00:00Z'), 'exposure', '2024-02-29', SH),
			exposed.phases
		);
		const p = presetOf('ed9-7+3');
		const s2 = schedule(periodStart(at('2022-07-01T14:00:00Z'), p.countsFrom, null, SH), p.phases, [
			ext(0, 36)
		]);
		return JSON.stringify({
			s1: { release: iso(s1.releaseAt), start: iso(s1.phases[0]!.start) },
			p1: position(s1, at('2024-03-01T00:00:00+08:00')),
			s2: s2.phases.map((ph) => [iso(ph.start), iso(ph.end)]),
			p2: position(s2, at('2022-07-09T01:59:59.999Z')),
			w2: testWindows(s2, p.phases).map((w) => [iso(w.from), iso(w.until)]),
			ny: iso(periodStart(at('2024-03-02T09:00:00Z'), 'exposure', '2024-03-10', 'America/New_York'))
		});
	}

	it('gives identical UTC results whatever TZ the process runs in', () => {
		const zones = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Chatham', 'Asia/Shanghai'];
		// Prove the switch takes effect, or the comparison below would prove nothing.
		const offsets = zones.map((z) => underTz(z, () => new Date(2024, 0, 15).getTimezoneOffset()));
		expect(offsets).toEqual([0, 480, -330, -825, -480]);

		const results = zones.map((z) => underTz(z, everything));
		for (const r of results) expect(r).toBe(results[0]);
		expect(JSON.parse(results[0]!)).toMatchObject({
			s1: { release: '2024-03-13T16:00:00.000Z', start: '2024-02-28T16:00:00.000Z' },
			p1: { day: 2 },
			ny: '2024-03-10T05:00:00.000Z'
		});
	});
});

describe('position: day boundaries', () => {
	const p = presetOf('ed9-7+3');
	const start = at('2022-07-01T14:00:00Z');
	const s = schedule(start, p.phases);

	it('is day 1 at the start and up to 1 ms before start+24h, day 2 at start+24h', () => {
		expect(position(s, start)).toEqual({
			state: 'during',
			phaseIndex: 0,
			phaseDay: 1,
			day: 1,
			totalDays: 10,
			remainingMs: 10 * DAY_MS
		});
		expect(position(s, shift(start, DAY_MS - 1))).toMatchObject({ day: 1, phaseDay: 1 });
		expect(position(s, shift(start, DAY_MS))).toMatchObject({ day: 2, phaseDay: 2 });
	});

	it('walks every day of the stay without skipping or exceeding the total', () => {
		for (let n = 1; n <= 10; n++) {
			const first = position(s, shift(start, (n - 1) * DAY_MS));
			const lastMs = position(s, shift(start, n * DAY_MS - 1));
			expect(first.day).toBe(n);
			expect(lastMs.day).toBe(n);
			expect(first.phaseIndex).toBe(n <= 7 ? 0 : 1);
			expect(first.phaseDay).toBe(n <= 7 ? n : n - 7);
			expect(first.remainingMs).toBe((10 - n + 1) * DAY_MS);
		}
	});

	it('is before the start 1 ms earlier, with day 0 and the time to release', () => {
		expect(position(s, shift(start, -1))).toEqual({
			state: 'before',
			phaseIndex: 0,
			phaseDay: 0,
			day: 0,
			totalDays: 10,
			remainingMs: 10 * DAY_MS + 1
		});
	});

	it('never says "day 11 of 10": finished from release on, however long after', () => {
		const finished = {
			state: 'finished',
			phaseIndex: 1,
			phaseDay: 3,
			day: 10,
			totalDays: 10,
			remainingMs: 0
		};
		expect(position(s, s.releaseAt)).toEqual(finished);
		expect(position(s, shift(s.releaseAt, 1))).toEqual(finished);
		expect(position(s, shift(s.releaseAt, 365 * DAY_MS))).toEqual(finished);
		expect(position(s, shift(s.releaseAt, -1))).toMatchObject({ state: 'during', day: 10, remainingMs: 1 });
	});

	it('refuses an invalid instant and an empty schedule', () => {
		expect(() => position(s, new Date(Number.NaN))).toThrow(RangeError);
		expect(() => position({ phases: [], releaseAt: start }, start)).toThrow(RangeError);
	});
});

describe('extensions', () => {
	const p = presetOf('ed9-7+3');
	const start = at('2022-07-01T14:00:00Z');
	const base = schedule(start, p.phases);

	it('moves the extended phase’s end and every later phase', () => {
		const s = schedule(start, p.phases, [ext(0, 48)]);
		expect(s.phases.map((ph) => [iso(ph.start), iso(ph.end), ph.hours])).toEqual([
			['2022-07-01T14:00:00.000Z', '2022-07-10T14:00:00.000Z', 216],
			['2022-07-10T14:00:00.000Z', '2022-07-13T14:00:00.000Z', 72]
		]);
		expect(iso(s.releaseAt)).toBe(iso(shift(base.releaseAt, 48 * HOUR_MS)));
	});

	it('on a later phase, leaves the earlier phases alone', () => {
		const s = schedule(start, p.phases, [ext(1, 24)]);
		expect(iso(s.phases[0]!.end)).toBe(iso(base.phases[0]!.end));
		expect(iso(s.phases[1]!.start)).toBe(iso(base.phases[1]!.start));
		expect(iso(s.phases[1]!.end)).toBe('2022-07-12T14:00:00.000Z');
		expect(s.phases[1]!.hours).toBe(96);
	});

	it('adds up several extensions, on one phase and on several', () => {
		const s = schedule(start, p.phases, [ext(0, 24), ext(1, 12), ext(0, 24)]);
		expect(s.phases.map((ph) => ph.hours)).toEqual([216, 84]);
		expect(iso(s.phases[0]!.end)).toBe('2022-07-10T14:00:00.000Z');
		expect(iso(s.releaseAt)).toBe('2022-07-14T02:00:00.000Z');
	});

	it('keeps counting days in the extended phase and reaches the new release', () => {
		const s = schedule(start, p.phases, [ext(0, 48)]);
		expect(position(s, base.phases[0]!.end)).toMatchObject({ phaseIndex: 0, phaseDay: 8, day: 8 });
		expect(position(s, shift(start, 9 * DAY_MS - 1))).toMatchObject({ phaseIndex: 0, phaseDay: 9, day: 9 });
		expect(position(s, shift(start, 9 * DAY_MS))).toMatchObject({ phaseIndex: 1, phaseDay: 1, day: 10 });
		expect(position(s, base.releaseAt)).toMatchObject({ state: 'during', day: 11, totalDays: 12 });
		expect(position(s, s.releaseAt)).toMatchObject({ state: 'finished', day: 12, phaseDay: 3 });
	});

	it('rounds a part day up in the totals, never past them', () => {
		const s = schedule(start, p.phases, [ext(1, 12)]);
		expect(iso(s.releaseAt)).toBe('2022-07-12T02:00:00.000Z');
		expect(position(s, shift(s.releaseAt, -1))).toMatchObject({
			state: 'during',
			phaseDay: 4,
			day: 11,
			totalDays: 11
		});
		expect(position(s, s.releaseAt)).toMatchObject({
			state: 'finished',
			phaseDay: 4,
			day: 11,
			totalDays: 11
		});
	});

	it('moves the later phases’ test windows but not the extended phase’s own', () => {
		const before = testWindows(base, p.phases);
		const after = testWindows(schedule(start, p.phases, [ext(0, 48)]), p.phases);
		for (const [i, w] of after.entries()) {
			const old = before[i]!;
			const moved = w.phaseIndex === 0 ? 0 : 48 * HOUR_MS;
			expect(w.from.getTime() - old.from.getTime()).toBe(moved);
			expect(w.until.getTime() - old.until.getTime()).toBe(moved);
		}
	});

	it('refuses extensions for a phase the plan does not have, or of no time', () => {
		expect(() => schedule(start, p.phases, [ext(2, 24)])).toThrow(RangeError);
		expect(() => schedule(start, p.phases, [ext(-1, 24)])).toThrow(RangeError);
		expect(() => schedule(start, p.phases, [ext(0.5, 24)])).toThrow(RangeError);
		expect(() => schedule(start, p.phases, [ext(0, 0)])).toThrow(RangeError);
		expect(() => schedule(start, p.phases, [ext(0, -24)])).toThrow(RangeError);
		expect(() => schedule(start, p.phases, [ext(0, Number.NaN)])).toThrow(RangeError);
	});
});

describe('schedule: input checks', () => {
	const start = at('2022-07-01T14:00:00Z');

	it.each([
		['no phases', []],
		['a phase of 0 days', [{ mode: 'centralised', days: 0, testDays: [] }]],
		['a phase of -7 days', [{ mode: 'centralised', days: -7, testDays: [] }]],
		['a phase of 1.5 days', [{ mode: 'centralised', days: 1.5, testDays: [] }]],
		['a phase of NaN days', [{ mode: 'centralised', days: Number.NaN, testDays: [] }]]
	] as [string, PlanPhase[]][])('refuses %s', (_label, phases) => {
		expect(() => schedule(start, phases)).toThrow(RangeError);
	});

	it('refuses an invalid start', () => {
		expect(() => schedule(new Date(Number.NaN), presetOf('ed9-7+3').phases)).toThrow(RangeError);
	});

	it('accepts a one-day phase and does not alias its input', () => {
		const s = schedule(start, [{ mode: 'home_isolation', days: 1, testDays: [1] }]);
		expect(iso(s.releaseAt)).toBe('2022-07-02T14:00:00.000Z');
		expect(s.phases[0]!.start).not.toBe(start);
		s.phases[0]!.start.setTime(0);
		expect(iso(start)).toBe('2022-07-01T14:00:00.000Z');
	});
});

describe('testWindows: input checks', () => {
	const start = at('2022-07-01T14:00:00Z');

	it('orders test days and yields one window for a day listed twice', () => {
		const phases: PlanPhase[] = [{ mode: 'centralised', days: 5, testDays: [5, 1, 3, 1] }];
		expect(testWindows(schedule(start, phases), phases).map((w) => w.day)).toEqual([1, 3, 5]);
	});

	it('puts the last test day’s window at the very end of its phase', () => {
		const phases: PlanPhase[] = [{ mode: 'centralised', days: 5, testDays: [5] }];
		const s = schedule(start, phases);
		expect(iso(testWindows(s, phases)[0]!.until)).toBe(iso(s.phases[0]!.end));
	});

	it.each([0, 6, -1, 2.5])('refuses test day %d in a 5-day phase', (day) => {
		const phases: PlanPhase[] = [{ mode: 'centralised', days: 5, testDays: [day] }];
		expect(() => testWindows(schedule(start, phases), phases)).toThrow(RangeError);
	});

	it('refuses a plan that does not match the schedule', () => {
		const s = schedule(start, presetOf('ed9-7+3').phases);
		expect(() => testWindows(s, presetOf('ed9-home-7').phases)).toThrow(RangeError);
	});
});

describe('addExtension', () => {
	const phases = presetOf('ed9-7+3').phases;
	const when = at('2022-07-05T10:00:00+08:00');

	it('appends an extension for the current phase and leaves the old list alone', () => {
		const existing: Extension[] = [ext(0, 24)];
		const next = addExtension(phases, existing, 1, 48, '  复检阳性，延长观察 ', when);
		expect(next).toEqual([
			ext(0, 24),
			{ phaseIndex: 1, hours: 48, reason: '复检阳性，延长观察', at: '2022-07-05T02:00:00.000Z' }
		]);
		expect(existing).toHaveLength(1);
		expect(next).not.toBe(existing);
	});

	it('feeds straight back into schedule, and the previous end is the schedule without it', () => {
		const start = at('2022-07-01T14:00:00Z');
		const previous = schedule(start, phases, []);
		const extended = schedule(start, phases, addExtension(phases, [], 0, 72, 'fever', when));
		expect(extended.releaseAt.getTime() - previous.releaseAt.getTime()).toBe(72 * HOUR_MS);
		expect(iso(previous.phases[0]!.end)).toBe('2022-07-08T14:00:00.000Z');
		expect(iso(extended.phases[0]!.end)).toBe('2022-07-11T14:00:00.000Z');
	});

	it('accepts a part-hour extension', () => {
		expect(addExtension(phases, [], 0, 0.5, 'late sample', when)[0]?.hours).toBe(0.5);
	});

	it.each([0, -1, -0.001, Number.NaN, Number.POSITIVE_INFINITY])(
		'refuses %d hours with a RangeError',
		(hours) => {
			expect(() => addExtension(phases, [], 0, hours, 'reason', when)).toThrow(RangeError);
		}
	);

	it.each([-1, 2, 0.5])('refuses phase %d of a two-phase plan', (index) => {
		expect(() => addExtension(phases, [], index, 24, 'reason', when)).toThrow(RangeError);
	});

	it('refuses an empty reason and an invalid instant', () => {
		expect(() => addExtension(phases, [], 0, 24, '   ', when)).toThrow(RangeError);
		expect(() => addExtension(phases, [], 0, 24, 'reason', new Date(Number.NaN))).toThrow(RangeError);
	});
});
