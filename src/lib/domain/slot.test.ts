import { describe, expect, it } from 'vitest';
import { deadlinesBetween, localInstant, slotOf } from './slot';

const SH = 'Asia/Shanghai';

describe('slotOf', () => {
	it.each([
		['2026-11-24T03:59:59+08:00', 'extra', '2026-11-24'],
		['2026-11-24T04:00:00+08:00', 'morning', '2026-11-24'],
		['2026-11-24T11:59:59+08:00', 'morning', '2026-11-24'],
		['2026-11-24T12:00:00+08:00', 'extra', '2026-11-24'],
		['2026-11-24T15:59:00+08:00', 'extra', '2026-11-24'],
		['2026-11-24T16:00:00+08:00', 'evening', '2026-11-24'],
		['2026-11-24T21:59:59+08:00', 'evening', '2026-11-24'],
		['2026-11-24T22:00:00+08:00', 'extra', '2026-11-24'],
		['2026-11-24T23:30:00+08:00', 'extra', '2026-11-24']
	])('%s is %s on %s in Shanghai', (iso, slot, date) => {
		expect(slotOf(new Date(iso), SH)).toEqual({ slot, slotDate: date });
	});

	it('uses the site zone, not the server zone: 01:00 UTC is 09:00 in Shanghai', () => {
		expect(slotOf(new Date('2026-11-24T01:00:00Z'), SH)).toEqual({ slot: 'morning', slotDate: '2026-11-24' });
		expect(slotOf(new Date('2026-11-24T01:00:00Z'), 'Europe/London').slot).toBe('extra');
	});

	it('gives the local date for an evening reading that is already the next day in UTC', () => {
		expect(slotOf(new Date('2026-11-24T13:30:00Z'), 'Asia/Tokyo')).toEqual({
			slot: 'extra',
			slotDate: '2026-11-24'
		});
		expect(slotOf(new Date('2026-11-24T17:30:00Z'), 'Pacific/Auckland').slotDate).toBe('2026-11-25');
	});

	it('refuses an unknown zone', () => {
		expect(() => slotOf(new Date(), 'Mars/Olympus')).toThrow(RangeError);
	});
});

describe('localInstant', () => {
	it('turns a local wall-clock time into the right instant', () => {
		expect(localInstant('2026-11-24', 8, 30, SH).toISOString()).toBe('2026-11-24T00:30:00.000Z');
		expect(localInstant('2024-02-29', 0, 0, SH).toISOString()).toBe('2024-02-28T16:00:00.000Z');
	});
});

describe('deadlinesBetween', () => {
	const at = (iso: string) => new Date(iso);
	const list = (from: string, to: string, zone = SH) =>
		deadlinesBetween(at(from), at(to), zone).map(
			(d) => `${d.slotDate} ${d.slot} ${d.deadline.toISOString()}`
		);

	it('finds nothing between two deadlines', () => {
		expect(list('2026-11-24T11:00:00+08:00', '2026-11-24T20:59:59+08:00')).toEqual([]);
	});

	it('includes a deadline at the end and excludes one at the start', () => {
		expect(list('2026-11-24T11:00:00+08:00', '2026-11-24T21:00:00+08:00')).toEqual([
			'2026-11-24 evening 2026-11-24T13:00:00.000Z'
		]);
	});

	it('catches up over a long pause in order', () => {
		expect(list('2026-11-23T20:00:00+08:00', '2026-11-25T12:00:00+08:00')).toEqual([
			'2026-11-23 evening 2026-11-23T13:00:00.000Z',
			'2026-11-24 morning 2026-11-24T03:00:00.000Z',
			'2026-11-24 evening 2026-11-24T13:00:00.000Z',
			'2026-11-25 morning 2026-11-25T03:00:00.000Z'
		]);
	});

	it('uses the site zone, not the server zone', () => {
		expect(list('2026-11-24T00:00:00Z', '2026-11-24T12:00:00Z', 'Europe/London')).toEqual([
			'2026-11-24 morning 2026-11-24T11:00:00.000Z'
		]);
	});
});
