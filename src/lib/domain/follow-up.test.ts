import { describe, expect, it } from 'vitest';
import { unreachableFromCalls, type CallOutcome } from './alert-rules';
import {
	ageOnDate,
	callSlotOf,
	consecutiveFailures,
	DEFAULT_RETRY_MINUTES,
	isWaiting,
	orderWorklist,
	pageOfList,
	priorityOf,
	retryAt,
	riskFactors,
	type WorkItem
} from './follow-up';

const SH = 'Asia/Shanghai';
/** A Shanghai wall-clock time as an instant. */
const at = (local: string) => new Date(`${local}+08:00`);

describe('callSlotOf', () => {
	it.each([
		['2026-11-24T04:00', 'morning', '2026-11-24'],
		['2026-11-24T11:59', 'morning', '2026-11-24'],
		// Between rounds, a call still counts for the morning it was missed in.
		['2026-11-24T12:00', 'morning', '2026-11-24'],
		['2026-11-24T15:59', 'morning', '2026-11-24'],
		['2026-11-24T16:00', 'evening', '2026-11-24'],
		['2026-11-24T21:59', 'evening', '2026-11-24'],
		['2026-11-24T23:30', 'evening', '2026-11-24'],
		// After midnight and before 04:00: the previous day's evening.
		['2026-11-25T00:10', 'evening', '2026-11-24'],
		['2026-11-25T03:59', 'evening', '2026-11-24'],
		['2026-11-25T04:00', 'morning', '2026-11-25']
	])('%s local is the %s slot of %s', (local, slot, slotDate) => {
		expect(callSlotOf(at(local), SH)).toEqual({ slot, slotDate });
	});

	it('reads the site zone, not the server zone', () => {
		// 02:00 UTC is 10:00 in Shanghai but 21:00 the day before in New York.
		const instant = new Date('2026-11-24T02:00:00Z');
		expect(callSlotOf(instant, SH)).toEqual({ slot: 'morning', slotDate: '2026-11-24' });
		expect(callSlotOf(instant, 'America/New_York')).toEqual({ slot: 'evening', slotDate: '2026-11-23' });
	});

	it('refuses an unknown zone', () => {
		expect(() => callSlotOf(new Date(), 'Mars/Olympus')).toThrow(RangeError);
	});
});

describe('the retry delay', () => {
	const failed = (outcome: CallOutcome, local: string) => ({ outcome, attemptedAt: at(local) });

	it('brings a failed attempt back after 30 minutes by default', () => {
		expect(DEFAULT_RETRY_MINUTES).toBe(30);
		const last = failed('no_answer', '2026-11-24T08:00');
		expect(retryAt(last)).toEqual(at('2026-11-24T08:30'));
		expect(isWaiting(last, at('2026-11-24T08:29'))).toBe(true);
		expect(isWaiting(last, at('2026-11-24T08:30'))).toBe(false);
	});

	it('follows a configured delay', () => {
		const last = failed('busy', '2026-11-24T08:00');
		expect(retryAt(last, 10)).toEqual(at('2026-11-24T08:10'));
		expect(isWaiting(last, at('2026-11-24T08:15'), 10)).toBe(false);
		expect(isWaiting(last, at('2026-11-24T08:15'), 60)).toBe(true);
	});

	it('applies to every failed outcome, never to a reached call or to no attempt', () => {
		for (const o of ['no_answer', 'busy', 'wrong_number', 'refused'] as const)
			expect(isWaiting(failed(o, '2026-11-24T08:00'), at('2026-11-24T08:05'))).toBe(true);
		expect(retryAt(failed('reached', '2026-11-24T08:00'))).toBeNull();
		expect(isWaiting(null, at('2026-11-24T08:05'))).toBe(false);
	});

	it('refuses a negative delay', () => {
		expect(() => retryAt(failed('busy', '2026-11-24T08:00'), -1)).toThrow(RangeError);
	});
});

describe('the unreachable rule over calls', () => {
	it('fires on three failures in a row spread over midnight', () => {
		const calls = [
			{ outcome: 'no_answer' as const, at: at('2026-11-24T20:00') },
			{ outcome: 'busy' as const, at: at('2026-11-24T21:30') },
			{ outcome: 'no_answer' as const, at: at('2026-11-25T08:00') }
		];
		// The three attempts belong to two different slots and dates: the rule counts attempts, not days.
		expect(new Set(calls.map((c) => callSlotOf(c.at, SH).slotDate)).size).toBe(2);
		const outcomes = calls.map((c) => c.outcome);
		expect(unreachableFromCalls(outcomes)).toBe(true);
		expect(consecutiveFailures(outcomes)).toBe(3);
	});

	it('is reset by a reached call between failures', () => {
		const outcomes: CallOutcome[] = ['no_answer', 'no_answer', 'reached', 'no_answer', 'refused'];
		expect(unreachableFromCalls(outcomes)).toBe(false);
		expect(consecutiveFailures(outcomes)).toBe(2);
		expect(unreachableFromCalls([...outcomes, 'wrong_number'])).toBe(true);
		expect(consecutiveFailures([...outcomes, 'wrong_number'])).toBe(3);
	});

	it('does not fire on fewer than three attempts', () => {
		expect(unreachableFromCalls(['no_answer', 'busy'])).toBe(false);
		expect(consecutiveFailures([])).toBe(0);
	});
});

describe('risk factors', () => {
	const base = { birthDate: '1980-01-01', pregnant: false, chronicDisease: false, immunosuppressed: false };

	it('counts age from the 60th birthday on', () => {
		expect(ageOnDate('1966-11-24', '2026-11-23')).toBe(59);
		expect(ageOnDate('1966-11-24', '2026-11-24')).toBe(60);
		expect(riskFactors({ ...base, birthDate: '1966-11-24' }, '2026-11-23')).toEqual([]);
		expect(riskFactors({ ...base, birthDate: '1966-11-24' }, '2026-11-24')).toEqual(['age']);
	});

	it('lists every factor in a fixed order, and none for an unknown birth date', () => {
		expect(
			riskFactors(
				{ birthDate: '1950-05-05', pregnant: true, chronicDisease: true, immunosuppressed: true },
				'2026-11-24'
			)
		).toEqual(['age', 'pregnant', 'chronic_disease', 'immunosuppressed']);
		expect(riskFactors({ ...base, birthDate: null }, '2026-11-24')).toEqual([]);
		expect(ageOnDate(null, '2026-11-24')).toBeNull();
	});
});

describe('the worklist order', () => {
	let n = 0;
	const item = (over: Partial<WorkItem> = {}): WorkItem => ({
		stayId: `stay-${String(++n).padStart(3, '0')}`,
		criticalAlerts: 0,
		warningAlerts: 0,
		riskFactors: [],
		reachedToday: true,
		since: new Date('2026-11-20T00:00:00Z'),
		...over
	});

	it('puts critical alerts, then warnings, then risk factors, then not reached today, then the rest', () => {
		const rest = item();
		const notReached = item({ reachedToday: false });
		const risk = item({ riskFactors: ['pregnant'] });
		const warning = item({ warningAlerts: 1, riskFactors: ['age'] });
		const critical = item({ criticalAlerts: 1, warningAlerts: 2 });
		const list = orderWorklist([rest, notReached, risk, warning, critical]);
		expect(list.map((i) => i.stayId)).toEqual([
			critical.stayId,
			warning.stayId,
			risk.stayId,
			notReached.stayId,
			rest.stayId
		]);
		expect(list.map(priorityOf)).toEqual([0, 1, 2, 3, 4]);
	});

	it('breaks ties by who has waited longest, then by stay, whatever the input order', () => {
		const late = item({ stayId: 'a', since: new Date('2026-11-22T00:00:00Z') });
		const early = item({ stayId: 'z', since: new Date('2026-11-21T00:00:00Z') });
		const sameB = item({ stayId: 'b', since: new Date('2026-11-22T00:00:00Z') });
		const expected = ['z', 'a', 'b'];
		expect(orderWorklist([late, early, sameB]).map((i) => i.stayId)).toEqual(expected);
		expect(orderWorklist([sameB, late, early]).map((i) => i.stayId)).toEqual(expected);
	});

	it('does not reorder its input', () => {
		const input = [item(), item({ criticalAlerts: 1 })];
		const ids = input.map((i) => i.stayId);
		orderWorklist(input);
		expect(input.map((i) => i.stayId)).toEqual(ids);
	});
});

describe('pages of the call list', () => {
	const calls = Array.from({ length: 25 }, (_, i) => `c${i}`);
	const waiting = Array.from({ length: 7 }, (_, i) => `w${i}`);

	it('reads the callable rows in order, then the waiting ones, each row on exactly one page', () => {
		const seen: string[] = [];
		for (let p = 1; p <= 4; p++) {
			const page = pageOfList(calls, waiting, p, 10);
			expect(page).toMatchObject({ page: p, pages: 4, from: (p - 1) * 10 + 1 });
			expect(page.calls.length + page.waiting.length).toBe(p < 4 ? 10 : 2);
			seen.push(...page.calls, ...page.waiting);
		}
		expect(seen).toEqual([...calls, ...waiting]);
		expect(pageOfList(calls, waiting, 3, 10)).toMatchObject({
			calls: ['c20', 'c21', 'c22', 'c23', 'c24'],
			waiting: ['w0', 'w1', 'w2', 'w3', 'w4']
		});
	});

	it('keeps a page number out of range on the list', () => {
		expect(pageOfList(calls, waiting, 99, 10).page).toBe(4);
		expect(pageOfList(calls, waiting, 0, 10).page).toBe(1);
		expect(pageOfList(calls, waiting, Number.NaN, 10).page).toBe(1);
		expect(pageOfList([], [], 3, 10)).toEqual({ page: 1, pages: 1, from: 1, calls: [], waiting: [] });
	});

	it('shows a short list whole on one page', () => {
		expect(pageOfList(calls, waiting, 1)).toMatchObject({ pages: 1, calls, waiting });
	});
});
