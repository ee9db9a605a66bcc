import { describe, expect, it } from 'vitest';
import { findPreset, HOUR_MS, schedule, testWindows } from './plan';
import { decideRelease, isPositive, releaseChecklist, type ReleaseFacts, type TestRecord } from './release';

const plan = findPreset('ed9-7+3')!;
const start = new Date('2026-11-01T02:00:00Z');
const sched = schedule(start, plan.phases);
const windows = testWindows(sched, plan.phases);
const releaseAt = sched.releaseAt;
const after = new Date(releaseAt.getTime() + 2 * HOUR_MS);

const negative = (phaseIndex: number, day: number, over: Partial<TestRecord> = {}): TestRecord => {
	const w = windows.find((x) => x.phaseIndex === phaseIndex && x.day === day)!;
	return {
		phaseIndex,
		phaseDay: day,
		sampledAt: new Date(w.from.getTime() + HOUR_MS),
		result: 'negative',
		ctN: null,
		ctOrf: null,
		createdAt: new Date(w.from.getTime() + HOUR_MS),
		...over
	};
};

/** Everything met at `after`: every test negative, two normal readings, no alerts. */
function facts(over: Partial<ReleaseFacts> = {}): ReleaseFacts {
	return {
		now: after,
		releaseAt,
		windows,
		tests: windows.map((w) => negative(w.phaseIndex, w.day)),
		temperatures: [
			{ takenAt: new Date(after.getTime() - 12 * HOUR_MS), temperature: 36.5 },
			{ takenAt: new Date(after.getTime() - 1 * HOUR_MS), temperature: 36.7 }
		],
		activeAlerts: [],
		...over
	};
}

const criterion = (f: ReleaseFacts, c: string) =>
	releaseChecklist(f).criteria.find((x) => x.criterion === c)!;

describe('release checklist', () => {
	it('is met when the plan is over, every test negative, temperatures normal and no critical alert', () => {
		const c = releaseChecklist(facts());
		expect(c.ready).toBe(true);
		expect(c.blockedBy).toEqual([]);
		expect(c.criteria.map((x) => [x.criterion, x.met])).toEqual([
			['plan_time', true],
			['tests', true],
			['temperatures', true],
			['alerts', true]
		]);
	});

	it('blocks while the plan time is not over, even a minute before', () => {
		const f = facts({ now: new Date(releaseAt.getTime() - 60_000) });
		// Readings are relative to `now`; keep two inside its last 24 h.
		f.temperatures = [
			{ takenAt: new Date(f.now.getTime() - 2 * HOUR_MS), temperature: 36.4 },
			{ takenAt: new Date(f.now.getTime() - HOUR_MS), temperature: 36.6 }
		];
		const c = releaseChecklist(f);
		expect(c.ready).toBe(false);
		expect(c.blockedBy).toEqual(['plan_not_over']);
		expect(releaseChecklist(facts({ now: releaseAt, temperatures: f.temperatures })).ready).toBe(true);
	});

	it('blocks on a scheduled test never sampled, naming its phase and day', () => {
		const f = facts({ tests: facts().tests.filter((t) => !(t.phaseIndex === 1 && t.phaseDay === 3)) });
		const c = releaseChecklist(f);
		expect(c.blockedBy).toEqual(['test_not_sampled']);
		expect(criterion(f, 'tests').blocks).toEqual([
			{ code: 'test_not_sampled', test: { phaseIndex: 1, day: 3 } }
		]);
	});

	it('blocks on a test sampled but without a result', () => {
		const tests = facts().tests.map((t) =>
			t.phaseIndex === 0 && t.phaseDay === 5 ? { ...t, result: null } : t
		);
		expect(releaseChecklist(facts({ tests })).blockedBy).toEqual(['test_no_result']);
	});

	it('blocks on an invalid result until a resample comes back negative', () => {
		const invalid = negative(0, 2, { result: 'invalid' });
		const others = facts().tests.filter((t) => !(t.phaseIndex === 0 && t.phaseDay === 2));
		expect(releaseChecklist(facts({ tests: [...others, invalid] })).blockedBy).toEqual(['test_invalid']);
		const resample = negative(0, 2, { createdAt: new Date(invalid.createdAt.getTime() + HOUR_MS) });
		expect(releaseChecklist(facts({ tests: [...others, invalid, resample] })).ready).toBe(true);
	});

	it('blocks on a positive result, and on a "negative" with a Ct below 35', () => {
		const others = facts().tests.filter((t) => !(t.phaseIndex === 0 && t.phaseDay === 1));
		expect(
			releaseChecklist(facts({ tests: [...others, negative(0, 1, { result: 'positive' })] })).blockedBy
		).toEqual(['test_positive']);
		expect(
			releaseChecklist(facts({ tests: [...others, negative(0, 1, { ctN: 34.9, ctOrf: 38 })] })).blockedBy
		).toEqual(['test_positive']);
		expect(
			releaseChecklist(facts({ tests: [...others, negative(0, 1, { ctN: 35, ctOrf: 36 })] })).ready
		).toBe(true);
	});

	it('blocks with no temperature reading in the last 24 hours', () => {
		const f = facts({
			temperatures: [{ takenAt: new Date(after.getTime() - 25 * HOUR_MS), temperature: 36.5 }]
		});
		expect(releaseChecklist(f).blockedBy).toEqual(['too_few_temperatures']);
		expect(criterion(f, 'temperatures').blocks).toEqual([{ code: 'too_few_temperatures', count: 0 }]);
	});

	it('blocks with only one temperature reading in the last 24 hours', () => {
		const f = facts({ temperatures: [{ takenAt: new Date(after.getTime() - HOUR_MS), temperature: 36.5 }] });
		expect(criterion(f, 'temperatures').blocks).toEqual([{ code: 'too_few_temperatures', count: 1 }]);
	});

	it('blocks on a temperature at the fever threshold in the last 24 hours, not on one just below', () => {
		const at = (h: number, temperature: number) => ({
			takenAt: new Date(after.getTime() - h * HOUR_MS),
			temperature
		});
		const fever = facts({ temperatures: [at(10, 37.3), at(1, 36.6)] });
		expect(releaseChecklist(fever).blockedBy).toEqual(['fever_last_24h']);
		expect(criterion(fever, 'temperatures').blocks[0]).toEqual({ code: 'fever_last_24h', value: 37.3 });
		expect(releaseChecklist(facts({ temperatures: [at(10, 37.2), at(1, 36.6)] })).ready).toBe(true);
		// A fever older than 24 h no longer counts.
		expect(releaseChecklist(facts({ temperatures: [at(30, 38.5), at(10, 36.8), at(1, 36.6)] })).ready).toBe(
			true
		);
	});

	it("uses the site's fever threshold when it has one", () => {
		const at = (h: number, temperature: number) => ({
			takenAt: new Date(after.getTime() - h * HOUR_MS),
			temperature
		});
		const f = facts({ temperatures: [at(10, 37.3), at(1, 36.6)], feverThreshold: 37.4 });
		expect(releaseChecklist(f).ready).toBe(true);
	});

	it('blocks on an active critical alert, not on a warning', () => {
		const f = facts({
			activeAlerts: [
				{ kind: 'unreachable', severity: 'critical' },
				{ kind: 'symptom', severity: 'warning' }
			]
		});
		expect(releaseChecklist(f).blockedBy).toEqual(['critical_alert_active']);
		expect(criterion(f, 'alerts').blocks).toEqual([
			{ code: 'critical_alert_active', count: 1, kinds: ['unreachable'] }
		]);
		expect(releaseChecklist(facts({ activeAlerts: [{ kind: 'symptom', severity: 'warning' }] })).ready).toBe(
			true
		);
	});

	it('lists every blocking reason at once', () => {
		const c = releaseChecklist(
			facts({
				now: new Date(start.getTime() + 3 * 24 * HOUR_MS),
				tests: [],
				temperatures: [],
				activeAlerts: [{ kind: 'fever', severity: 'critical' }]
			})
		);
		expect(c.blockedBy).toEqual([
			'plan_not_over',
			'test_not_sampled',
			'too_few_temperatures',
			'critical_alert_active'
		]);
		expect(c.criteria.find((x) => x.criterion === 'tests')!.blocks).toHaveLength(windows.length);
	});
});

describe('positive results', () => {
	it('counts a positive result or any Ct below 35', () => {
		expect(isPositive({ result: 'positive', ctN: null, ctOrf: null })).toBe(true);
		expect(isPositive({ result: 'negative', ctN: 36, ctOrf: 34.9 })).toBe(true);
		expect(isPositive({ result: 'negative', ctN: 35, ctOrf: 40 })).toBe(false);
		expect(isPositive({ result: null, ctN: null, ctOrf: null })).toBe(false);
	});
});

describe('release decision and override', () => {
	const blocked = releaseChecklist(facts({ tests: [] }));
	const met = releaseChecklist(facts());

	it('allows a met checklist without override', () => {
		expect(decideRelease(met, null)).toEqual({ allowed: true, overridden: false });
		expect(decideRelease(met, { byAdmin: true, reason: 'x' })).toEqual({ allowed: true, overridden: false });
	});

	it('refuses a blocked checklist without override', () => {
		expect(decideRelease(blocked, null)).toEqual({ allowed: false, reason: 'blocked' });
	});

	it('lets an admin override with a written reason, and no one else', () => {
		expect(decideRelease(blocked, { byAdmin: true, reason: '指挥部批准：转外地隔离' })).toEqual({
			allowed: true,
			overridden: true
		});
		expect(decideRelease(blocked, { byAdmin: true, reason: '   ' })).toEqual({
			allowed: false,
			reason: 'override_reason_required'
		});
		expect(decideRelease(blocked, { byAdmin: false, reason: 'please' })).toEqual({
			allowed: false,
			reason: 'override_not_allowed'
		});
	});
});
