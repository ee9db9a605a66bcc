import { describe, expect, it } from 'vitest';
import {
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
