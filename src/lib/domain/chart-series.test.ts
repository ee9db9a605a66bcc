import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, thresholdsFrom } from './alert-rules';
import { buildChartSeries, missedSlots, niceAxis, type ChartInput, type ChartReading } from './chart-series';

const SH = 'Asia/Shanghai';
let n = 0;

function reading(iso: string, values: Partial<ChartReading> = {}): ChartReading {
	return { id: `r${++n}`, takenAt: new Date(iso), temperature: 36.5, spo2: 98, pulse: 72, ...values };
}

function input(overrides: Partial<ChartInput> = {}): ChartInput {
	return {
		readings: [],
		from: new Date('2026-11-24T11:30:00+08:00'),
		to: new Date('2026-11-26T22:00:00+08:00'),
		timeZone: SH,
		thresholds: DEFAULT_THRESHOLDS,
		spo2Scale: 1,
		...overrides
	};
}

const nulls = (points: { x: number; y: number | null }[]) =>
	points.filter((p) => p.y === null).map((p) => new Date(p.x).toISOString());

describe('missedSlots', () => {
	it('a due slot without a reading is missed; a filled one is not', () => {
		const readings = [
			reading('2026-11-24T18:10:00+08:00'),
			reading('2026-11-25T07:30:00+08:00'),
			// 25 Nov evening: nothing.
			reading('2026-11-26T08:00:00+08:00'),
			reading('2026-11-26T19:00:00+08:00')
		];
		const missed = missedSlots(
			readings,
			new Date('2026-11-24T11:30:00+08:00'),
			new Date('2026-11-26T22:00:00+08:00'),
			SH
		);
		expect(missed.map((m) => [m.slotDate, m.slot])).toEqual([['2026-11-25', 'evening']]);
		expect(missed[0]!.deadline).toEqual(new Date('2026-11-25T21:00:00+08:00'));
		expect(missed[0]!.start).toEqual(new Date('2026-11-25T16:00:00+08:00'));
		expect(missed[0]!.end).toEqual(new Date('2026-11-25T22:00:00+08:00'));
	});

	it('a slot whose deadline falls before the admission is not due', () => {
		// Admitted at 11:30: the morning deadline (11:00) had passed, so only the evening is due.
		const missed = missedSlots(
			[],
			new Date('2026-11-24T11:30:00+08:00'),
			new Date('2026-11-24T23:00:00+08:00'),
			SH
		);
		expect(missed.map((m) => m.slot)).toEqual(['evening']);
	});

	it('a slot whose deadline is still ahead is not missed yet', () => {
		const missed = missedSlots(
			[],
			new Date('2026-11-24T05:00:00+08:00'),
			new Date('2026-11-24T20:59:00+08:00'),
			SH
		);
		expect(missed.map((m) => m.slot)).toEqual(['morning']);
	});

	it('an extra-slot reading does not fill a morning or evening slot', () => {
		const missed = missedSlots(
			[reading('2026-11-24T13:00:00+08:00'), reading('2026-11-24T23:00:00+08:00')],
			new Date('2026-11-24T05:00:00+08:00'),
			new Date('2026-11-24T23:30:00+08:00'),
			SH
		);
		expect(missed.map((m) => m.slot)).toEqual(['morning', 'evening']);
	});

	it('a late reading within the window (after the deadline) fills its slot', () => {
		const missed = missedSlots(
			[reading('2026-11-24T11:40:00+08:00')],
			new Date('2026-11-24T05:00:00+08:00'),
			new Date('2026-11-24T12:30:00+08:00'),
			SH
		);
		expect(missed).toEqual([]);
	});

	it("judges slots in the site's zone, not UTC nor the server's", () => {
		// 01:30 UTC is 09:30 in Shanghai (morning) but 01:30 in London (extra).
		const r = [reading('2026-11-24T01:30:00Z')];
		const from = new Date('2026-11-23T20:00:00Z');
		const to = new Date('2026-11-24T06:00:00Z');
		expect(missedSlots(r, from, to, SH)).toEqual([]);
		const london = missedSlots(
			r,
			new Date('2026-11-24T00:00:00Z'),
			new Date('2026-11-24T12:00:00Z'),
			'Europe/London'
		);
		expect(london.map((m) => [m.slotDate, m.slot, m.deadline.toISOString()])).toEqual([
			['2026-11-24', 'morning', '2026-11-24T11:00:00.000Z']
		]);
	});

	it('prefers the slot stored with the reading', () => {
		const stored = reading('2026-11-24T13:00:00+08:00', { slot: 'morning', slotDate: '2026-11-24' });
		const missed = missedSlots(
			[stored],
			new Date('2026-11-24T05:00:00+08:00'),
			new Date('2026-11-24T12:30:00+08:00'),
			SH
		);
		expect(missed).toEqual([]);
	});
});

describe('buildChartSeries', () => {
	const readings = [
		reading('2026-11-24T18:10:00+08:00', { temperature: 36.6, spo2: 97, pulse: 80 }),
		reading('2026-11-25T07:30:00+08:00', { temperature: 38.6, spo2: 93, pulse: 135 }),
		reading('2026-11-25T14:00:00+08:00', { temperature: 37.9, spo2: null, pulse: null }),
		reading('2026-11-26T08:00:00+08:00', { temperature: 37.25, spo2: 95, pulse: 38 }),
		reading('2026-11-26T19:00:00+08:00', { temperature: 36.8, spo2: 98, pulse: 70 })
	];
	const s = buildChartSeries(input({ readings }));

	it('a missed slot is a null point at its deadline, between the readings around it', () => {
		expect(s.missed.map((m) => [m.slotDate, m.slot])).toEqual([['2026-11-25', 'evening']]);
		for (const v of [s.temperature, s.spo2, s.pulse]) {
			expect(nulls(v.points)).toEqual(['2026-11-25T13:00:00.000Z']);
			const xs = v.points.map((p) => p.x);
			expect(xs).toEqual([...xs].sort((a, b) => a - b));
		}
	});

	it('plots every reading with a value, extra-slot readings included', () => {
		expect(s.temperature.count).toBe(5);
		const extra = s.temperature.points.find((p) => p.x === new Date('2026-11-25T14:00:00+08:00').getTime());
		expect(extra?.y).toBe(37.9);
		expect(s.spo2.count).toBe(4);
		expect(s.pulse.count).toBe(4);
	});

	it('rounds temperatures as stored and flags them against the fever line', () => {
		expect(s.temperature.lines).toEqual([{ id: 'fever', value: 37.3 }]);
		const ys = s.temperature.points.filter((p) => p.y !== null).map((p) => [p.y, p.flag]);
		expect(ys).toEqual([
			[36.6, null],
			[38.6, 'high'],
			[37.9, 'high'],
			[37.3, 'high'],
			[36.8, null]
		]);
		expect(s.temperature.abnormal).toBe(3);
		expect(s.temperature.max).toEqual({ value: 38.6, at: new Date('2026-11-25T07:30:00+08:00') });
	});

	it('flags SpO2 at or below the warning line of the scale and draws both band lines', () => {
		expect(s.spo2.lines).toEqual([
			{ id: 'hypoxia_warning', value: 94 },
			{ id: 'hypoxia_critical', value: 92 }
		]);
		expect(s.spo2.points.filter((p) => p.flag === 'low').map((p) => p.y)).toEqual([93]);
		expect(s.spo2.min?.value).toBe(93);
	});

	it('uses scale 2 lines for a scale-2 resident, and a reading taken on scale 1 keeps its own limits', () => {
		const s2 = buildChartSeries(
			input({
				spo2Scale: 2,
				readings: [
					reading('2026-11-24T18:00:00+08:00', { spo2: 88 }),
					reading('2026-11-25T08:00:00+08:00', { spo2: 87 }),
					reading('2026-11-25T18:00:00+08:00', { spo2: 93, spo2Scale: 1 })
				]
			})
		);
		expect(s2.spo2.lines.map((l) => l.value)).toEqual([87, 85]);
		expect(s2.spo2.points.filter((p) => p.y !== null).map((p) => p.flag)).toEqual([null, 'low', 'low']);
		expect(s2.spo2.axis.min).toBeLessThanOrEqual(82);
	});

	it("uses the site's thresholds", () => {
		const t = thresholdsFrom({ fever: 37.5, hypoxia: { scale1: { warning: 93, critical: 90 } } });
		const custom = buildChartSeries(input({ readings, thresholds: t }));
		expect(custom.temperature.lines[0]!.value).toBe(37.5);
		expect(custom.temperature.points.filter((p) => p.flag === 'high').map((p) => p.y)).toEqual([38.6, 37.9]);
		expect(custom.spo2.lines.map((l) => l.value)).toEqual([93, 90]);
	});

	it('flags pulse in the 3-band both ways', () => {
		expect(s.pulse.points.filter((p) => p.flag).map((p) => [p.y, p.flag])).toEqual([
			[135, 'high'],
			[38, 'low']
		]);
	});

	it('fits the axis around values and lines', () => {
		expect(s.temperature.axis).toEqual({ min: 35.5, max: 39, step: 0.5 });
		expect(s.spo2.axis).toEqual({ min: 88, max: 100, step: 2 });
		expect(s.pulse.axis).toEqual({ min: 20, max: 160, step: 20 });
		const empty = buildChartSeries(input());
		expect(empty.temperature.axis.max).toBeGreaterThan(37.3);
		expect(empty.temperature.count).toBe(0);
		expect(empty.temperature.max).toBeNull();
	});

	it('a stay admitted after the morning deadline has no morning gap that day', () => {
		const late = buildChartSeries(
			input({
				from: new Date('2026-11-24T11:30:00+08:00'),
				to: new Date('2026-11-24T22:00:00+08:00'),
				readings: [reading('2026-11-24T17:00:00+08:00')]
			})
		);
		expect(late.missed).toEqual([]);
		expect(nulls(late.temperature.points)).toEqual([]);
	});
});

describe('niceAxis', () => {
	it.each([
		[35.5, 38.0, { min: 35.5, max: 38, step: 0.5 }],
		[35.2, 39.4, { min: 35, max: 40, step: 1 }],
		[89, 100, { min: 88, max: 100, step: 2 }],
		[79, 100, { min: 75, max: 100, step: 5 }],
		[50, 110, { min: 50, max: 110, step: 10 }],
		[28, 145, { min: 20, max: 160, step: 20 }]
	])('[%s, %s] → %o', (lo, hi, want) => {
		expect(niceAxis(lo, hi)).toEqual(want);
	});
});
