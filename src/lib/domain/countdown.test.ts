import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from './alert-rules';
import { adviceFor, countdown, latestExtension, planSteps, remainingNeeds, todayCheckIns } from './countdown';
import { DAY_MS, HOUR_MS, PLAN_PRESETS, schedule, testWindows } from './plan';
import { releaseChecklist } from './release';

const plan = PLAN_PRESETS.find((p) => p.code === 'ed9-7+3')!;
const start = new Date('2026-11-20T01:00:00Z');
const s = schedule(start, plan.phases);
const at = (ms: number) => new Date(start.getTime() + ms);

describe('countdown', () => {
	it('counts days, hours and minutes to release, rounding minutes up', () => {
		const c = countdown(s, at(2 * DAY_MS + 30_000));
		// 8 days left minus 30 s: 7 d 23 h 60 min would be wrong; it reads 8 d 0 h 0 min.
		expect(c).toMatchObject({ state: 'running', days: 8, hours: 0, minutes: 0 });
		expect(countdown(s, at(2 * DAY_MS + 61_000))).toMatchObject({ days: 7, hours: 23, minutes: 59 });
		expect(countdown(s, at(2 * DAY_MS)).fraction).toBeCloseTo(0.2);
	});

	it('reads one minute in the last minute and due at the release instant', () => {
		expect(countdown(s, new Date(s.releaseAt.getTime() - 1))).toMatchObject({
			state: 'running',
			days: 0,
			hours: 0,
			minutes: 1
		});
		expect(countdown(s, s.releaseAt)).toMatchObject({ state: 'due', days: 0, minutes: 0, fraction: 1 });
		expect(countdown(s, at(11 * DAY_MS)).state).toBe('due');
	});

	it('before the start it counts the whole plan, and an ended stay counts nothing', () => {
		expect(countdown(s, at(-HOUR_MS))).toMatchObject({ state: 'before', days: 10, hours: 1, fraction: 0 });
		expect(countdown(s, at(3 * DAY_MS), 'released')).toMatchObject({ state: 'released', days: 0 });
		expect(countdown(s, at(3 * DAY_MS), 'ended').state).toBe('ended');
	});
});

describe('plan steps', () => {
	it('marks the recorded phase as current, earlier ones done and later ones upcoming', () => {
		const ext = [{ phaseIndex: 0, hours: 48, reason: '复阳', at: at(5 * DAY_MS).toISOString() }];
		const steps = planSteps(schedule(start, plan.phases, ext), ext, 1);
		expect(steps.map((x) => [x.mode, x.state, x.extendedHours])).toEqual([
			['centralised', 'done', 48],
			['home_monitoring', 'current', 0]
		]);
		expect(steps[1]!.end).toEqual(new Date(start.getTime() + 12 * DAY_MS));
	});
});

describe('latest extension', () => {
	it('is null without one and otherwise keeps the release before and after it', () => {
		expect(latestExtension(start, plan.phases, [])).toBeNull();
		const ext = [
			{ phaseIndex: 0, hours: 24, reason: '一', at: at(DAY_MS).toISOString() },
			{ phaseIndex: 0, hours: 36, reason: '二', at: at(2 * DAY_MS).toISOString() }
		];
		const note = latestExtension(start, plan.phases, ext)!;
		expect(note).toMatchObject({ hours: 36, days: null, reason: '二' });
		expect(note.previousReleaseAt).toEqual(at(11 * DAY_MS));
		expect(note.releaseAt).toEqual(at(11 * DAY_MS + 36 * HOUR_MS));
		expect(latestExtension(start, plan.phases, ext.slice(0, 1))!.days).toBe(1);
	});
});

describe('what is still needed', () => {
	const facts = (now: Date, over: Partial<Parameters<typeof releaseChecklist>[0]> = {}) =>
		releaseChecklist({
			now,
			releaseAt: s.releaseAt,
			windows: testWindows(s, plan.phases),
			tests: [],
			temperatures: [],
			activeAlerts: [],
			...over
		});

	it('names each pending test by its day in the whole plan and leaves the plan time to the countdown', () => {
		const now = at(2 * DAY_MS);
		const needs = remainingNeeds(facts(now), s);
		const days = needs.filter((n) => n.code === 'test_pending').map((n) => n.day);
		// 7+3: centralised days 1, 2, 3, 5, 7 and monitoring day 3 (plan day 10).
		expect(days).toEqual([1, 2, 3, 5, 7, 10]);
		expect(needs.find((n) => n.day === 10)!.dueAt).toEqual(at(9 * DAY_MS));
		expect(needs.map((n) => n.code)).not.toContain('plan_not_over');
		expect(needs.find((n) => n.code === 'temperatures_needed')!.count).toBe(2);
	});

	it('asks for fever-free time after a fever and names a follow-up for a critical alert', () => {
		const now = at(11 * DAY_MS);
		const needs = remainingNeeds(
			facts(now, {
				temperatures: [
					{ takenAt: new Date(now.getTime() - HOUR_MS), temperature: 37.5 },
					{ takenAt: new Date(now.getTime() - 2 * HOUR_MS), temperature: 36.8 }
				],
				activeAlerts: [{ kind: 'hypoxia', severity: 'critical' }]
			}),
			s
		).map((n) => n.code);
		expect(needs).toContain('fever_free_24h');
		expect(needs).toContain('alert_follow_up');
		expect(needs).not.toContain('temperatures_needed');
	});

	it('is empty when the checklist is met', () => {
		const now = at(11 * DAY_MS);
		const windows = testWindows(s, plan.phases);
		const tests = windows.map((w) => ({
			phaseIndex: w.phaseIndex,
			phaseDay: w.day,
			sampledAt: w.from,
			result: 'negative' as const,
			createdAt: w.from
		}));
		const temperatures = [1, 2].map((h) => ({
			takenAt: new Date(now.getTime() - h * HOUR_MS),
			temperature: 36.5
		}));
		expect(remainingNeeds(facts(now, { tests, temperatures }), s)).toEqual([]);
	});
});

describe("today's check-ins", () => {
	const zone = 'Asia/Shanghai';
	// 10:30 in Shanghai.
	const now = new Date('2026-11-24T02:30:00Z');
	const reading = (takenAt: string, slot: 'morning' | 'evening' | 'extra', temperature = 36.6) => ({
		takenAt: new Date(takenAt),
		slot,
		slotDate: '2026-11-24',
		temperature,
		spo2: null
	});

	it('shows the morning due and the evening still to come before any reading', () => {
		expect(todayCheckIns(now, zone, []).map((c) => c.state)).toEqual(['due', 'upcoming']);
	});

	it('shows the latest reading of a slot as done, and ignores yesterday and extra readings', () => {
		const list = todayCheckIns(now, zone, [
			reading('2026-11-24T00:10:00Z', 'morning', 36.4),
			reading('2026-11-24T01:10:00Z', 'morning', 36.9),
			{ ...reading('2026-11-23T12:00:00Z', 'evening'), slotDate: '2026-11-23' },
			reading('2026-11-23T17:00:00Z', 'extra')
		]);
		expect(list[0]).toMatchObject({ state: 'done', reading: { temperature: 36.9 } });
		expect(list[1]).toMatchObject({ state: 'upcoming', reading: null });
	});

	it('at 12:00 sharp an unreported morning is missed, and the evening opens at 16:00 local', () => {
		const noon = new Date('2026-11-24T04:00:00Z');
		expect(todayCheckIns(noon, zone, [])[0]!.state).toBe('missed');
		const four = new Date('2026-11-24T08:00:00Z');
		expect(todayCheckIns(four, zone, [])[1]!.state).toBe('due');
		expect(todayCheckIns(new Date(four.getTime() - 1), zone, [])[1]!.state).toBe('upcoming');
	});

	it("counts the day in the site zone, not the server's", () => {
		// 23:30 UTC on the 23rd is 07:30 on the 24th in Shanghai: the morning of the 24th is due.
		const late = new Date('2026-11-23T23:30:00Z');
		const [morning] = todayCheckIns(late, zone, [reading('2026-11-23T23:20:00Z', 'morning')]);
		expect(morning!.state).toBe('done');
	});
});

describe("advice for a resident's own reading", () => {
	const th = DEFAULT_THRESHOLDS;
	const r = (temperature: number | null, spo2: number | null = null, symptoms: string[] = []) => ({
		temperature,
		spo2,
		symptoms
	});
	it('37.2 is normal and 37.3 tells staff', () => {
		expect(adviceFor(r(37.2), th)).toBe('normal');
		expect(adviceFor(r(37.3), th)).toBe('staff_told');
		expect(adviceFor(r(37.6), th)).toBe('staff_told');
	});
	it('SpO2 93 tells staff and 92 says call now; 39.0 and breathlessness say call now', () => {
		expect(adviceFor(r(36.5, 95), th)).toBe('normal');
		expect(adviceFor(r(36.5, 94), th)).toBe('staff_told');
		expect(adviceFor(r(36.5, 93), th)).toBe('staff_told');
		expect(adviceFor(r(36.5, 92), th)).toBe('call_now');
		expect(adviceFor(r(39.0), th)).toBe('call_now');
		expect(adviceFor(r(38.9), th)).toBe('staff_told');
		expect(adviceFor(r(36.5, null, ['shortness_of_breath']), th)).toBe('call_now');
		expect(adviceFor(r(36.5, null, ['dry_cough']), th)).toBe('staff_told');
	});
	it("follows the site's own fever line and SpO2 scale 2", () => {
		expect(adviceFor(r(37.4), { ...th, fever: 37.5 })).toBe('normal');
		expect(adviceFor(r(36.5, 88), th, 2)).toBe('normal');
		expect(adviceFor(r(36.5, 85), th, 2)).toBe('call_now');
	});
});
