import { describe, expect, it } from 'vitest';
import {
	releaseSpans,
	byZone,
	checkReportDate,
	dayBounds,
	datesEnding,
	datesFrom,
	emptyFigures,
	occupancyPercent,
	sumFigures,
	yesterday
} from './dashboard';

const SH = 'Asia/Shanghai';

describe('dayBounds', () => {
	it('runs from local midnight to the next, in the zone', () => {
		const d = dayBounds('2026-03-01', SH);
		expect(d.start.toISOString()).toBe('2026-02-28T16:00:00.000Z');
		expect(d.end.toISOString()).toBe('2026-03-01T16:00:00.000Z');
	});
	it('spans 23 hours on a spring-forward day', () => {
		const d = dayBounds('2026-03-08', 'America/New_York');
		expect(d.end.getTime() - d.start.getTime()).toBe(23 * 3_600_000);
	});
	it('refuses what is not a date', () => {
		expect(() => dayBounds('2026-02-30', SH)).toThrow(RangeError);
	});
});

describe('checkReportDate', () => {
	// 00:30 on 5 March in Shanghai (still 4 March in UTC).
	const now = new Date('2026-03-04T16:30:00Z');
	it('takes a day that is over in the zone', () => {
		expect(checkReportDate('2026-03-04', now, SH)).toEqual({ ok: true, date: '2026-03-04' });
	});
	it('refuses today and the future', () => {
		expect(checkReportDate('2026-03-05', now, SH)).toEqual({ ok: false, error: 'date_not_past' });
		expect(checkReportDate('2027-01-01', now, SH)).toEqual({ ok: false, error: 'date_not_past' });
	});
	it('refuses what is not a calendar date', () => {
		for (const v of ['', null, '2026-3-4', '2026-02-30', 'yesterday', '2026-03-04T00:00'])
			expect(checkReportDate(v, now, SH)).toEqual({ ok: false, error: 'date_invalid' });
	});
	it('names yesterday in the zone', () => {
		expect(yesterday(now, SH)).toBe('2026-03-04');
	});
});

describe('date lists', () => {
	it('ends with the given day, oldest first, across a month end', () => {
		expect(datesEnding('2026-03-02', 4)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
		expect(datesFrom('2026-02-27', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
	});
});

describe('sumFigures', () => {
	it('adds every figure and takes the distinct close-contact count given', () => {
		const a = emptyFigures();
		a.observing.centralised = 2;
		a.closeContactsTotal = 2;
		a.alerts = { critical: 1, warning: 0, byKind: { unreachable: 1 } };
		a.capacity = 3;
		a.occupied = 2;
		const b = emptyFigures();
		b.observing.home_isolation = 1;
		b.closeContactsTotal = 1;
		b.alerts = { critical: 1, warning: 2, byKind: { unreachable: 1, fever: 2 } };
		const s = sumFigures([a, b], 2);
		expect(s.observing).toEqual({ centralised: 2, home_isolation: 1, home_monitoring: 0 });
		expect(s.alerts).toEqual({ critical: 2, warning: 2, byKind: { unreachable: 2, fever: 2 } });
		expect(s.closeContactsTotal).toBe(2);
		expect(sumFigures([a, b]).closeContactsTotal).toBe(3);
		expect(occupancyPercent(s)).toBe(67);
		expect(occupancyPercent(b)).toBeNull();
	});
});

describe('byZone', () => {
	it('groups sites that share a zone', () => {
		const g = byZone([
			{ id: 'a', timeZone: SH },
			{ id: 'b', timeZone: 'Asia/Urumqi' },
			{ id: 'c', timeZone: SH }
		]);
		expect([...g.entries()].map(([z, s]) => [z, s.map((x) => x.id)])).toEqual([
			[SH, ['a', 'c']],
			['Asia/Urumqi', ['b']]
		]);
	});
});

describe('releaseSpans', () => {
	const iso = (d: Date) => d.toISOString();

	it('cuts the window at each local midnight and at the due-soon line', () => {
		// 10:48 in Shanghai on 25 Nov; due soon within 7 days, charted for 14.
		const now = new Date('2026-11-25T02:48:00Z');
		const { bounds, spans } = releaseSpans(now, 'Asia/Shanghai', 7, 14);
		expect(iso(bounds[0]!)).toBe('2026-11-25T02:48:00.000Z');
		expect(iso(bounds[1]!)).toBe('2026-11-25T16:00:00.000Z'); // midnight of the 26th there
		expect(iso(bounds.at(-1)!)).toBe('2026-12-09T02:48:00.000Z');
		// 14 midnights, the line and both ends: 17 bounds, 16 spans.
		expect(bounds).toHaveLength(17);
		expect(spans).toHaveLength(16);
		expect(spans[0]).toEqual({ date: '2026-11-25', within: true });
		// The 2nd of December is split by the line: its morning is due soon, the rest is not.
		const line = bounds.findIndex((b) => iso(b) === '2026-12-02T02:48:00.000Z');
		expect(spans[line - 1]).toEqual({ date: '2026-12-02', within: true });
		expect(spans[line]).toEqual({ date: '2026-12-02', within: false });
		expect(spans.at(-1)).toEqual({ date: '2026-12-09', within: false });
		expect(bounds.every((b, i) => i === 0 || b > bounds[i - 1]!)).toBe(true);
	});

	it('follows the zone across a daylight-saving change', () => {
		// Berlin moves to summer time on 29 March 2026: that day is 23 hours long.
		const { bounds, spans } = releaseSpans(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin', 1, 3);
		expect(bounds.map(iso)).toEqual([
			'2026-03-28T12:00:00.000Z',
			'2026-03-28T23:00:00.000Z',
			'2026-03-29T12:00:00.000Z',
			'2026-03-29T22:00:00.000Z',
			'2026-03-30T22:00:00.000Z',
			'2026-03-31T12:00:00.000Z'
		]);
		expect(spans).toEqual([
			{ date: '2026-03-28', within: true },
			{ date: '2026-03-29', within: true },
			{ date: '2026-03-29', within: false },
			{ date: '2026-03-30', within: false },
			{ date: '2026-03-31', within: false }
		]);
	});

	it('starting exactly at local midnight, the first span is that whole day', () => {
		const { bounds, spans } = releaseSpans(new Date('2026-11-24T16:00:00Z'), 'Asia/Shanghai', 1, 2);
		expect(bounds.map(iso)).toEqual([
			'2026-11-24T16:00:00.000Z',
			'2026-11-25T16:00:00.000Z',
			'2026-11-26T16:00:00.000Z'
		]);
		expect(spans).toEqual([
			{ date: '2026-11-25', within: true },
			{ date: '2026-11-26', within: false }
		]);
	});
});
