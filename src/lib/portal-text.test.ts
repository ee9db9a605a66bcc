import { describe, expect, it } from 'vitest';
import { countdown, latestExtension, planSteps } from './domain/countdown';
import { DAY_MS, PLAN_PRESETS, schedule } from './domain/plan';
import { countdownText, extensionText, needText, planText } from './portal-text';

const plan = PLAN_PRESETS.find((p) => p.code === 'ed9-7+3')!;
// 09:00 in Shanghai on 20 Nov 2026.
const start = new Date('2026-11-20T01:00:00Z');

describe('countdown text', () => {
	const s = schedule(start, plan.phases);
	it('says the time left in both languages', () => {
		const c = countdown(s, new Date(start.getTime() + 2 * DAY_MS + 3 * 3_600_000 + 60_000));
		expect(countdownText(c, 'zh-CN')).toBe('还剩 7 天 20 小时 59 分钟');
		expect(countdownText(c, 'en')).toBe('7 days 20 hours 59 minutes left');
	});
	it('says the time is up, and after release that the resident is released', () => {
		expect(countdownText(countdown(s, s.releaseAt), 'zh-CN')).toContain('隔离期已满');
		expect(countdownText(countdown(s, s.releaseAt, 'released'), 'zh-CN')).toBe('您已解除隔离');
		expect(countdownText(countdown(s, s.releaseAt, 'released'), 'en')).toBe(
			'You have been released from isolation'
		);
	});
});

describe('plan text', () => {
	it('lays out the phases with their ends in the site zone', () => {
		const s = schedule(start, plan.phases);
		const steps = planSteps(s, [], 0);
		expect(planText(steps, 'zh-CN', 'Asia/Shanghai')).toBe(
			'集中隔离医学观察至 11月27日 09:00，随后居家健康监测至 11月30日 09:00'
		);
		expect(planText(steps, 'en', 'Asia/Shanghai')).toBe(
			'Centralised isolation until Nov 27, 09:00, then home health monitoring until Nov 30, 09:00'
		);
	});

	it("reads the same instants in another zone as that zone's clock", () => {
		const steps = planSteps(schedule(start, plan.phases), [], 0);
		expect(planText(steps, 'zh-CN', 'Asia/Urumqi')).toBe(
			'集中隔离医学观察至 11月27日 07:00，随后居家健康监测至 11月30日 07:00'
		);
	});

	it('after an extension shows the new ends, and after the phase change the same sentence', () => {
		const ext = [{ phaseIndex: 0, hours: 48, reason: '第 5 天抗原阳性', at: '2026-11-25T02:00:00Z' }];
		const s = schedule(start, plan.phases, ext);
		const before = planText(planSteps(s, ext, 0), 'zh-CN', 'Asia/Shanghai');
		expect(before).toBe('集中隔离医学观察至 11月29日 09:00，随后居家健康监测至 12月2日 09:00');
		expect(planText(planSteps(s, ext, 1), 'zh-CN', 'Asia/Shanghai')).toBe(before);
	});
});

describe('extension text', () => {
	it('says by how much, why, and the old and new release', () => {
		const ext = [{ phaseIndex: 0, hours: 48, reason: '第 5 天抗原阳性', at: '2026-11-25T02:00:00Z' }];
		const note = latestExtension(start, plan.phases, ext)!;
		expect(extensionText(note, 'zh-CN', 'Asia/Shanghai')).toBe(
			'您的隔离期已延长 2 天。原因：第 5 天抗原阳性。原定 11月30日 09:00 解除，现为 12月2日 09:00。'
		);
		const hours = latestExtension(start, plan.phases, [{ ...ext[0]!, hours: 12, reason: 'fever' }])!;
		expect(extensionText(hours, 'en', 'Asia/Shanghai')).toBe(
			'Your isolation was extended by 12 hours. Reason: fever. Release moved from Nov 30, 09:00 to Nov 30, 21:00.'
		);
	});
});

describe('needs', () => {
	it('names a pending test by its plan day and date', () => {
		const dueAt = new Date(start.getTime() + 6 * DAY_MS);
		expect(needText({ code: 'test_pending', day: 7, dueAt }, 'zh-CN', 'Asia/Shanghai')).toBe(
			'第 7 天的核酸检测还未做（11月26日 09:00 起）'
		);
		expect(needText({ code: 'fever_free_24h' }, 'en', 'Asia/Shanghai')).toBe('24 hours without fever needed');
		expect(needText({ code: 'temperatures_needed', count: 1 }, 'zh-CN', 'Asia/Shanghai')).toBe(
			'24 小时内还需要测 1 次体温'
		);
	});
});
