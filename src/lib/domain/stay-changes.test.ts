import { describe, expect, it } from 'vitest';
import { DAY_MS, findPreset, HOUR_MS, schedule, testWindows } from './plan';
import { extendStay, extensionHours, nextPhase, StayChangeError, type StayPlan } from './stay-changes';

const ZONE = 'Asia/Shanghai';
const plan = findPreset('ed9-7+3')!;
// 2026-11-01 10:00 in Shanghai.
const start = new Date('2026-11-01T02:00:00Z');
const stay = (over: Partial<StayPlan> = {}): StayPlan => ({
	periodStart: start,
	planPhases: plan.phases,
	extensions: [],
	phaseIndex: 0,
	...over
});

const code = (fn: () => unknown) => {
	try {
		fn();
	} catch (e) {
		return e instanceof StayChangeError ? e.code : String(e);
	}
	return null;
};

describe('extensions', () => {
	it('by N days moves the current phase end and the release, keeping the previous ones', () => {
		const x = extendStay(stay(), { days: 2 }, '密接转阳性待复核', ZONE, new Date(start.getTime() + DAY_MS));
		expect(x.hours).toBe(48);
		expect(x.previousPhaseEnd).toEqual(new Date(start.getTime() + 7 * DAY_MS));
		expect(x.phaseEnd).toEqual(new Date(start.getTime() + 9 * DAY_MS));
		expect(x.previousReleaseAt).toEqual(new Date(start.getTime() + 10 * DAY_MS));
		expect(x.releaseAt).toEqual(new Date(start.getTime() + 12 * DAY_MS));
		expect(x.extensions).toEqual([
			{
				phaseIndex: 0,
				hours: 48,
				reason: '密接转阳性待复核',
				at: new Date(start.getTime() + DAY_MS).toISOString()
			}
		]);
	});

	it('in the centralised phase also moves the home phase and its test days', () => {
		const x = extendStay(stay(), { days: 3 }, 'r', ZONE, start);
		const s = schedule(start, plan.phases, x.extensions);
		expect(s.phases[1]!.start).toEqual(new Date(start.getTime() + 10 * DAY_MS));
		const homeTest = testWindows(s, plan.phases).find((w) => w.phaseIndex === 1)!;
		expect(homeTest.from).toEqual(new Date(start.getTime() + 12 * DAY_MS));
	});

	it('in the home phase moves only the release, not the centralised phase', () => {
		const x = extendStay(stay({ phaseIndex: 1 }), { days: 1 }, 'r', ZONE, start);
		const s = schedule(start, plan.phases, x.extensions);
		expect(s.phases[0]!.end).toEqual(new Date(start.getTime() + 7 * DAY_MS));
		expect(x.previousPhaseEnd).toEqual(new Date(start.getTime() + 10 * DAY_MS));
		expect(x.releaseAt).toEqual(new Date(start.getTime() + 11 * DAY_MS));
	});

	it('adds up: a second extension starts from the first one', () => {
		const first = extendStay(stay(), { days: 2 }, 'a', ZONE, start);
		const second = extendStay(stay({ extensions: first.extensions }), { days: 1 }, 'b', ZONE, start);
		expect(second.previousReleaseAt).toEqual(first.releaseAt);
		expect(second.releaseAt).toEqual(new Date(start.getTime() + 13 * DAY_MS));
		expect(second.extensions).toHaveLength(2);
	});

	it('to a date keeps the usual release time of day in the site zone', () => {
		// Release due 2026-11-11 10:00 Shanghai; extend to the 14th → 2026-11-14 10:00.
		const x = extendStay(stay(), { untilDate: '2026-11-14' }, 'r', ZONE, start);
		expect(x.releaseAt).toEqual(new Date('2026-11-14T02:00:00Z'));
		expect(x.hours).toBe(72);
	});

	it('refuses a date that is not later than the current release, or not a date', () => {
		const s = schedule(start, plan.phases);
		expect(code(() => extensionHours(s, { untilDate: '2026-11-11' }, ZONE))).toBe('not_later');
		expect(code(() => extensionHours(s, { untilDate: '2026-11-02' }, ZONE))).toBe('not_later');
		expect(code(() => extensionHours(s, { untilDate: '2026-02-30' }, ZONE))).toBe('bad_date');
		expect(code(() => extensionHours(s, { days: 0 }, ZONE))).toBe('bad_days');
		expect(code(() => extensionHours(s, { days: 1.5 }, ZONE))).toBe('bad_days');
	});

	it('needs a reason', () => {
		expect(code(() => extendStay(stay(), { days: 1 }, '  ', ZONE, start))).toMatch(/reason/);
	});
});

describe('phase transitions', () => {
	it('moves a centralised stay to home monitoring once the centralised phase is over', () => {
		const end = new Date(start.getTime() + 7 * DAY_MS);
		expect(code(() => nextPhase(stay(), new Date(end.getTime() - 1)))).toBe('phase_not_over');
		const move = nextPhase(stay(), new Date(end.getTime() + 5 * HOUR_MS));
		expect(move).toEqual({ from: 0, to: 1, mode: 'home_monitoring', startsAt: end, toCommunity: true });
	});

	it('a late handover does not move the plan: the next phase began when the first ended', () => {
		const s = schedule(start, plan.phases);
		const move = nextPhase(stay(), new Date(start.getTime() + 8 * DAY_MS));
		expect(move.startsAt).toEqual(s.phases[1]!.start);
	});

	it('waits for an extended phase to end', () => {
		const x = extendStay(stay(), { days: 2 }, 'r', ZONE, start);
		const extended = stay({ extensions: x.extensions });
		expect(code(() => nextPhase(extended, new Date(start.getTime() + 8 * DAY_MS)))).toBe('phase_not_over');
		expect(nextPhase(extended, new Date(start.getTime() + 9 * DAY_MS)).startsAt).toEqual(
			new Date(start.getTime() + 9 * DAY_MS)
		);
	});

	it('has no next phase after the last one', () => {
		expect(code(() => nextPhase(stay({ phaseIndex: 1 }), new Date(start.getTime() + 20 * DAY_MS)))).toBe(
			'no_next_phase'
		);
		const home7 = findPreset('ed9-home-7')!;
		expect(
			code(() => nextPhase(stay({ planPhases: home7.phases }), new Date(start.getTime() + 8 * DAY_MS)))
		).toBe('no_next_phase');
	});

	it('keeps a 5+3 stay going to home isolation with the community', () => {
		const p = findPreset('nov2022-5+3')!;
		const move = nextPhase(stay({ planPhases: p.phases }), new Date(start.getTime() + 5 * DAY_MS));
		expect(move).toMatchObject({ to: 1, mode: 'home_isolation', toCommunity: true });
	});
});
