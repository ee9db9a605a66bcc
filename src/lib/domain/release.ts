/**
 * The release checklist (DESIGN §3 "Release"; clinical-rules §1.4–§1.5). A stay may be released once:
 * 1. the plan's time is over (its last phase, with every extension, has ended);
 * 2. every test the plan schedules has a negative result: a test not yet sampled, sampled without a
 *    result, invalid (to be resampled) or positive blocks, and so does a "negative" with a Ct below 35;
 * 3. at least two temperature readings were taken in the last 24 hours and none reached the fever
 *    threshold (the site's, 37.3 °C by default);
 * 4. no critical alert is active (open or acknowledged).
 * An admin may release anyway with a written reason; the checklist still says what was not met.
 *
 * Pure: the caller loads the facts, this decides.
 */
import { DEFAULT_THRESHOLDS } from './alert-rules';
import { DAY_MS, type TestWindow } from './plan';

/** Below this cycle threshold a result counts as positive (clinical-rules §0, "20 measures"). */
export const POSITIVE_CT_BELOW = 35;
export const MIN_TEMPERATURES_24H = 2;

export type Criterion = 'plan_time' | 'tests' | 'temperatures' | 'alerts';
export const CRITERIA: readonly Criterion[] = ['plan_time', 'tests', 'temperatures', 'alerts'];

export type BlockCode =
	| 'plan_not_over'
	| 'test_not_sampled'
	| 'test_no_result'
	| 'test_invalid'
	| 'test_positive'
	| 'too_few_temperatures'
	| 'fever_last_24h'
	| 'critical_alert_active';

export interface Block {
	code: BlockCode;
	/** Which scheduled test (phase and day) the block is about. */
	test?: { phaseIndex: number; day: number };
	/** Numbers for the message: readings counted, highest temperature, alerts. */
	count?: number;
	value?: number;
	kinds?: string[];
}

export interface CriterionResult {
	criterion: Criterion;
	met: boolean;
	blocks: Block[];
}

export interface TestRecord {
	phaseIndex: number;
	/** The plan day it was taken for; null for a test outside the schedule. */
	phaseDay: number | null;
	sampledAt: Date | null;
	result: 'negative' | 'positive' | 'invalid' | null;
	ctN?: number | null;
	ctOrf?: number | null;
	/** Order of recording, so a resample after an invalid result is the one that counts. */
	createdAt: Date;
}

export interface ReleaseFacts {
	now: Date;
	releaseAt: Date;
	windows: readonly TestWindow[];
	tests: readonly TestRecord[];
	temperatures: readonly { takenAt: Date; temperature: number }[];
	activeAlerts: readonly { kind: string; severity: 'warning' | 'critical' }[];
	/** The site's fever threshold in °C; 37.3 when the site keeps the default. */
	feverThreshold?: number;
}

export interface Checklist {
	criteria: CriterionResult[];
	/** Every criterion is met. */
	ready: boolean;
	/** Every code that blocks, in criterion order, for lists that say "blocked by". */
	blockedBy: BlockCode[];
}

/** A result that counts as positive: reported positive, or any Ct value below 35. */
export function isPositive(t: Pick<TestRecord, 'result' | 'ctN' | 'ctOrf'>): boolean {
	if (t.result === 'positive') return true;
	if (t.result === null) return false;
	return [t.ctN, t.ctOrf].some((ct) => typeof ct === 'number' && ct < POSITIVE_CT_BELOW);
}

/** The test that counts for a scheduled window: the latest one recorded for its phase and day. */
export function testFor(window: Pick<TestWindow, 'phaseIndex' | 'day'>, tests: readonly TestRecord[]) {
	let latest: TestRecord | null = null;
	for (const t of tests) {
		if (t.phaseIndex !== window.phaseIndex || t.phaseDay !== window.day) continue;
		if (!latest || t.createdAt.getTime() >= latest.createdAt.getTime()) latest = t;
	}
	return latest;
}

export type TestState = 'not_sampled' | 'no_result' | 'invalid' | 'positive' | 'negative';

export function testState(t: TestRecord | null): TestState {
	if (!t || !t.sampledAt) return 'not_sampled';
	if (t.result === null) return 'no_result';
	if (isPositive(t)) return 'positive';
	return t.result === 'invalid' ? 'invalid' : 'negative';
}

const TEST_BLOCK: Record<Exclude<TestState, 'negative'>, BlockCode> = {
	not_sampled: 'test_not_sampled',
	no_result: 'test_no_result',
	invalid: 'test_invalid',
	positive: 'test_positive'
};

export function releaseChecklist(facts: ReleaseFacts): Checklist {
	const now = facts.now.getTime();
	const criteria: CriterionResult[] = [];

	const planBlocks: Block[] = now >= facts.releaseAt.getTime() ? [] : [{ code: 'plan_not_over' }];
	criteria.push({ criterion: 'plan_time', met: planBlocks.length === 0, blocks: planBlocks });

	const testBlocks: Block[] = [];
	for (const w of facts.windows) {
		const state = testState(testFor(w, facts.tests));
		if (state !== 'negative')
			testBlocks.push({ code: TEST_BLOCK[state], test: { phaseIndex: w.phaseIndex, day: w.day } });
	}
	// A test outside the schedule that came back positive blocks too: a positive is a positive.
	if (facts.tests.some((t) => t.phaseDay === null && isPositive(t)) && !testBlocks.some(isPositiveBlock))
		testBlocks.push({ code: 'test_positive' });
	criteria.push({ criterion: 'tests', met: testBlocks.length === 0, blocks: testBlocks });

	const threshold = facts.feverThreshold ?? DEFAULT_THRESHOLDS.fever;
	const recent = facts.temperatures.filter((r) => {
		const at = r.takenAt.getTime();
		return at > now - DAY_MS && at <= now;
	});
	const tempBlocks: Block[] = [];
	if (recent.length < MIN_TEMPERATURES_24H)
		tempBlocks.push({ code: 'too_few_temperatures', count: recent.length });
	const highest = recent.reduce((max, r) => Math.max(max, r.temperature), -Infinity);
	if (highest >= threshold) tempBlocks.push({ code: 'fever_last_24h', value: highest });
	criteria.push({ criterion: 'temperatures', met: tempBlocks.length === 0, blocks: tempBlocks });

	const critical = facts.activeAlerts.filter((a) => a.severity === 'critical');
	const alertBlocks: Block[] = critical.length
		? [
				{
					code: 'critical_alert_active',
					count: critical.length,
					kinds: [...new Set(critical.map((a) => a.kind))]
				}
			]
		: [];
	criteria.push({ criterion: 'alerts', met: alertBlocks.length === 0, blocks: alertBlocks });

	const blockedBy = criteria.flatMap((c) => c.blocks.map((b) => b.code));
	return { criteria, ready: blockedBy.length === 0, blockedBy: [...new Set(blockedBy)] };
}

function isPositiveBlock(b: Block): boolean {
	return b.code === 'test_positive';
}

export type ReleaseDecision =
	| { allowed: true; overridden: boolean }
	| { allowed: false; reason: 'blocked' | 'override_not_allowed' | 'override_reason_required' };

/**
 * Whether a release may go ahead: when the checklist is met, or when an admin overrides it with a
 * written reason. An override on a met checklist is not needed and is not recorded as one.
 */
export function decideRelease(
	checklist: Checklist,
	override: { byAdmin: boolean; reason: string | null | undefined } | null
): ReleaseDecision {
	if (checklist.ready) return { allowed: true, overridden: false };
	if (!override) return { allowed: false, reason: 'blocked' };
	if (!override.byAdmin) return { allowed: false, reason: 'override_not_allowed' };
	if (!override.reason?.trim()) return { allowed: false, reason: 'override_reason_required' };
	return { allowed: true, overridden: true };
}
