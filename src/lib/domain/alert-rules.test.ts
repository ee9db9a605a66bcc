import { describe, expect, it } from 'vitest';
import {
	DEFAULT_THRESHOLDS,
	evaluateReading,
	maxSeverity,
	mergeAlert,
	missedSlotSeverity,
	thresholdsFrom,
	thresholdsOfSettings,
	unreachableFromCalls,
	type ActiveAlert,
	type CallOutcome,
	type ReadingAlertKind,
	type Severity,
	type Trigger
} from './alert-rules';
import type { News2Subject } from './news2';
import type { Reading } from './vitals';

const ADULT: News2Subject = { age: 40, pregnant: false, spo2Scale: 1 };
const ADULT_SCALE2: News2Subject = { age: 70, pregnant: false, spo2Scale: 2 };
const CHILD: News2Subject = { age: 12, pregnant: false, spo2Scale: 1 };
const PREGNANT: News2Subject = { age: 28, pregnant: true, spo2Scale: 1 };

/** A complete set with every parameter in NEWS2's 0 band. */
const NORMAL: Reading = {
	respRate: 16,
	spo2: 97,
	systolicBp: 120,
	pulse: 70,
	consciousness: 'A',
	temperature: 37.0
};

function only(triggers: Trigger[], kind: ReadingAlertKind): Trigger | undefined {
	return triggers.find((t) => t.kind === kind);
}

function kinds(triggers: Trigger[]): string[] {
	return triggers.map((t) => `${t.kind}:${t.severity}`);
}

describe('thresholds', () => {
	it('default to DESIGN §3 and cannot be changed in place', () => {
		expect(DEFAULT_THRESHOLDS).toEqual({
			fever: 37.3,
			feverCritical: 39.0,
			hypoxia: { scale1: { warning: 94, critical: 92 }, scale2: { warning: 87, critical: 85 } }
		});
		expect(Object.isFrozen(DEFAULT_THRESHOLDS)).toBe(true);
		expect(Object.isFrozen(DEFAULT_THRESHOLDS.hypoxia.scale2)).toBe(true);
	});

	it('take each value a site sets and the default for the rest', () => {
		expect(thresholdsFrom({ fever: 37.5, hypoxia: { scale2: { critical: 84 } } })).toEqual({
			fever: 37.5,
			feverCritical: 39.0,
			hypoxia: { scale1: { warning: 94, critical: 92 }, scale2: { warning: 87, critical: 84 } }
		});
		expect(thresholdsFrom(null)).toEqual(DEFAULT_THRESHOLDS);
		expect(thresholdsFrom(undefined)).toEqual(DEFAULT_THRESHOLDS);
	});

	it('fall back to the default for a value that is not a finite number', () => {
		const broken = JSON.parse('{"fever":"37.5","feverCritical":null,"hypoxia":{"scale1":{"warning":null}}}');
		expect(thresholdsFrom(broken)).toEqual(DEFAULT_THRESHOLDS);
		expect(thresholdsFrom({ fever: Number.NaN }).fever).toBe(37.3);
	});

	it("are read from a site's stored settings, the defaults when it has none", () => {
		expect(thresholdsOfSettings({ thresholds: { fever: 37.5 }, selfReport: true }).fever).toBe(37.5);
		expect(thresholdsOfSettings({ selfReport: true })).toEqual(DEFAULT_THRESHOLDS);
		expect(thresholdsOfSettings(null)).toEqual(DEFAULT_THRESHOLDS);
	});
});

describe('fever', () => {
	it.each<[number, Severity | null]>([
		[36.0, null],
		[37.2, null],
		[37.249, null],
		[37.25, 'warning'],
		[37.3, 'warning'],
		[38.9, 'warning'],
		[38.94, 'warning'],
		[38.95, 'critical'],
		[39.0, 'critical'],
		[41.5, 'critical']
	])('temperature %s raises %s', (temperature, severity) => {
		const fever = only(evaluateReading({ temperature }, null, ADULT), 'fever');
		expect(fever?.severity ?? null).toBe(severity);
	});

	it('records the temperature as stored', () => {
		expect(evaluateReading({ temperature: 37.25 }, null, ADULT)).toEqual([
			{ kind: 'fever', severity: 'warning', value: { temperature: 37.3 } }
		]);
	});

	it('follows a site threshold: "above 37.3" is met from 37.4', () => {
		const site = thresholdsFrom({ fever: 37.4, feverCritical: 38.5 });
		expect(evaluateReading({ temperature: 37.3 }, null, ADULT, site)).toEqual([]);
		expect(only(evaluateReading({ temperature: 37.4 }, null, ADULT, site), 'fever')?.severity).toBe(
			'warning'
		);
		expect(only(evaluateReading({ temperature: 38.5 }, null, ADULT, site), 'fever')?.severity).toBe(
			'critical'
		);
	});

	it('applies to residents NEWS2 does not cover', () => {
		expect(kinds(evaluateReading({ temperature: 38.0 }, null, CHILD))).toEqual(['fever:warning']);
		expect(kinds(evaluateReading({ temperature: 39.2 }, null, PREGNANT))).toEqual(['fever:critical']);
	});
});

describe('hypoxia', () => {
	it.each<[number, Severity | null]>([
		[100, null],
		[95, null],
		[94, 'warning'],
		[93, 'warning'],
		[92, 'critical'],
		[85, 'critical'],
		[40, 'critical']
	])('scale 1 SpO2 %s raises %s', (spo2, severity) => {
		const hypoxia = only(evaluateReading({ spo2 }, null, ADULT), 'hypoxia');
		expect(hypoxia?.severity ?? null).toBe(severity);
	});

	it.each<[number, Severity | null]>([
		[97, null],
		[92, null],
		[88, null],
		[87, 'warning'],
		[86, 'warning'],
		[85, 'critical'],
		[84, 'critical'],
		[70, 'critical']
	])('scale 2 SpO2 %s raises %s, on air or on oxygen', (spo2, severity) => {
		for (const onOxygen of [false, true]) {
			const hypoxia = only(evaluateReading({ spo2, onOxygen }, null, ADULT_SCALE2), 'hypoxia');
			expect(hypoxia?.severity ?? null).toBe(severity);
		}
	});

	it("uses the reading's scale over the resident's and records which", () => {
		expect(evaluateReading({ spo2: 90, spo2Scale: 1 }, null, ADULT_SCALE2)).toEqual([
			{ kind: 'hypoxia', severity: 'critical', value: { spo2: 90, scale: 1, onOxygen: false } }
		]);
		expect(evaluateReading({ spo2: 90, spo2Scale: 2, onOxygen: true }, null, ADULT)).toEqual([]);
	});

	it('follows site thresholds per scale', () => {
		const site = thresholdsFrom({ hypoxia: { scale1: { warning: 95 }, scale2: { critical: 86 } } });
		expect(only(evaluateReading({ spo2: 95 }, null, ADULT, site), 'hypoxia')?.severity).toBe('warning');
		expect(only(evaluateReading({ spo2: 86 }, null, ADULT_SCALE2, site), 'hypoxia')?.severity).toBe(
			'critical'
		);
	});

	it('applies to children and in pregnancy', () => {
		expect(kinds(evaluateReading({ spo2: 93 }, null, CHILD))).toEqual(['hypoxia:warning']);
		expect(kinds(evaluateReading({ spo2: 91 }, null, PREGNANT))).toEqual(['hypoxia:critical']);
	});
});

describe('news2 alert', () => {
	it.each<[string, Reading, Severity | null, number]>([
		['all normal', {}, null, 0],
		['total 4 with no 3', { respRate: 21, pulse: 111 }, null, 4],
		['a single 3, total 3', { consciousness: 'C' }, 'warning', 3],
		['a single 3, total 4', { respRate: 8, pulse: 45 }, 'warning', 4],
		['total 5 with a 3', { respRate: 21, consciousness: 'V' }, 'critical', 5],
		['total 5 with no 3', { respRate: 21, pulse: 111, systolicBp: 105 }, 'critical', 5],
		['total 6', { respRate: 22, pulse: 115, systolicBp: 95 }, 'critical', 6],
		['total 7', { respRate: 22, systolicBp: 95, temperature: 35.0 }, 'critical', 7]
	])('%s raises %s', (_label, change, severity, total) => {
		const triggers = evaluateReading({ ...NORMAL, ...change }, null, ADULT);
		const alert = only(triggers, 'news2');
		expect(alert?.severity ?? null).toBe(severity);
		if (alert !== undefined) expect(alert.value.total).toBe(total);
		expect(only(triggers, 'red_vital')).toBeUndefined();
	});

	it('carries the score, risk and parts', () => {
		const [alert] = evaluateReading({ ...NORMAL, consciousness: 'P' }, null, ADULT);
		expect(alert).toEqual({
			kind: 'news2',
			severity: 'warning',
			value: {
				total: 3,
				risk: 'low-medium',
				anySingle3: true,
				parts: { respRate: 0, spo2: 0, air: 0, systolicBp: 0, pulse: 0, consciousness: 3, temperature: 0 }
			}
		});
	});

	it('scores scale 2 on oxygen: 97 % on oxygen is a 3, with oxygen total 5', () => {
		const triggers = evaluateReading({ ...NORMAL, spo2: 97, onOxygen: true }, null, ADULT_SCALE2);
		expect(kinds(triggers)).toEqual(['news2:critical']);
		expect(only(triggers, 'news2')?.value).toMatchObject({ total: 5, risk: 'medium' });
		expect(evaluateReading({ ...NORMAL, spo2: 97 }, null, ADULT_SCALE2)).toEqual([]);
	});
});

describe('red_vital', () => {
	it.each<[string, Reading, Record<string, unknown> | null]>([
		['respiration 8', { respRate: 8 }, { respRate: 8 }],
		['respiration 9', { respRate: 9 }, null],
		['respiration 24', { respRate: 24 }, null],
		['respiration 25', { respRate: 25 }, { respRate: 25 }],
		['systolic 90', { systolicBp: 90 }, { systolicBp: 90 }],
		['systolic 91', { systolicBp: 91 }, null],
		['systolic 219', { systolicBp: 219 }, null],
		['systolic 220', { systolicBp: 220 }, { systolicBp: 220 }],
		['pulse 40', { pulse: 40 }, { pulse: 40 }],
		['pulse 41', { pulse: 41 }, null],
		['pulse 130', { pulse: 130 }, null],
		['pulse 131', { pulse: 131 }, { pulse: 131 }],
		['consciousness A', { consciousness: 'A' }, null],
		['consciousness C', { consciousness: 'C' }, { consciousness: 'C' }],
		['consciousness V', { consciousness: 'V' }, { consciousness: 'V' }],
		['consciousness P', { consciousness: 'P' }, { consciousness: 'P' }],
		['consciousness U', { consciousness: 'U' }, { consciousness: 'U' }],
		['temperature 35.0', { temperature: 35.0 }, { temperature: 35 }],
		['temperature 35.04 (stored 35.0)', { temperature: 35.04 }, { temperature: 35 }],
		['temperature 35.05 (stored 35.1)', { temperature: 35.05 }, null],
		['temperature 35.1', { temperature: 35.1 }, null],
		['temperature 39.5 (a 2, not a 3)', { temperature: 39.5 }, null],
		['diastolic 30 (not scored)', { diastolicBp: 30 }, null]
	])('an incomplete set with %s', (_label, r, value) => {
		const red = only(evaluateReading(r, null, ADULT), 'red_vital');
		expect(red ?? null).toEqual(value === null ? null : { kind: 'red_vital', severity: 'warning', value });
	});

	it('leaves low SpO2 to the hypoxia alert', () => {
		expect(kinds(evaluateReading({ spo2: 85, pulse: 70 }, null, ADULT))).toEqual(['hypoxia:critical']);
	});

	it('lists every red value of the reading in one warning', () => {
		expect(evaluateReading({ respRate: 30, pulse: 35, consciousness: 'V', spo2: 96 }, null, ADULT)).toEqual([
			{ kind: 'red_vital', severity: 'warning', value: { respRate: 30, pulse: 35, consciousness: 'V' } }
		]);
	});

	it('stands in for NEWS2 on a complete set when NEWS2 does not apply', () => {
		const set: Reading = { ...NORMAL, respRate: 26, systolicBp: 88 };
		expect(kinds(evaluateReading(set, null, ADULT))).toEqual(['news2:critical']);
		for (const subject of [CHILD, PREGNANT]) {
			expect(evaluateReading(set, null, subject)).toEqual([
				{ kind: 'red_vital', severity: 'warning', value: { respRate: 26, systolicBp: 88 } }
			]);
		}
		expect(evaluateReading(NORMAL, null, CHILD)).toEqual([]);
	});
});

describe('symptom', () => {
	it.each<[string, string[] | undefined, Reading | null, Severity | null, string[]]>([
		['a first symptom with no previous reading', ['dry_cough'], null, 'warning', ['dry_cough']],
		['the same symptom again', ['dry_cough'], { symptoms: ['dry_cough'] }, null, []],
		[
			'one new beside an old one',
			['dry_cough', 'fatigue'],
			{ symptoms: ['dry_cough'] },
			'warning',
			['fatigue']
		],
		['a symptom gone, none new', ['fatigue'], { symptoms: ['dry_cough', 'fatigue'] }, null, []],
		['no symptoms reported', undefined, { symptoms: ['dry_cough'] }, null, []],
		['an empty list', [], null, null, []],
		['a previous reading without symptoms', ['diarrhoea'], { temperature: 36.8 }, 'warning', ['diarrhoea']],
		['new shortness of breath', ['shortness_of_breath'], null, 'critical', ['shortness_of_breath']],
		[
			'shortness of breath again',
			['shortness_of_breath'],
			{ symptoms: ['shortness_of_breath'] },
			'critical',
			[]
		],
		[
			'shortness of breath again, with a new symptom',
			['muscle_ache', 'shortness_of_breath'],
			{ symptoms: ['shortness_of_breath'] },
			'critical',
			['muscle_ache']
		]
	])('%s', (_label, symptoms, previous, severity, fresh) => {
		const alert = only(evaluateReading({ symptoms }, previous, ADULT), 'symptom');
		expect(alert?.severity ?? null).toBe(severity);
		if (alert !== undefined) expect(alert.value.new).toEqual(fresh);
	});

	it('lists known codes once each, in the canonical order', () => {
		const [alert] = evaluateReading(
			{ symptoms: ['runny_nose', 'made_up', 'fever', 'runny_nose'] },
			{ symptoms: ['fever', 'also_made_up'] },
			ADULT
		);
		expect(alert).toEqual({
			kind: 'symptom',
			severity: 'warning',
			value: { new: ['runny_nose'], symptoms: ['fever', 'runny_nose'] }
		});
		expect(evaluateReading({ symptoms: ['made_up'] }, null, ADULT)).toEqual([]);
	});
});

describe('evaluateReading', () => {
	it('raises each kind at most once, in a fixed order', () => {
		const triggers = evaluateReading(
			{ ...NORMAL, temperature: 39.2, spo2: 91, respRate: 26, symptoms: ['fever', 'shortness_of_breath'] },
			{ symptoms: ['fever'] },
			ADULT
		);
		expect(kinds(triggers)).toEqual([
			'fever:critical',
			'hypoxia:critical',
			'news2:critical',
			'symptom:critical'
		]);
		// respiration 3 + SpO2 3 + temperature 2
		expect(only(triggers, 'news2')?.value.total).toBe(8);
	});

	it('raises nothing for a normal reading', () => {
		expect(evaluateReading({ ...NORMAL, diastolicBp: 80, symptoms: [] }, { symptoms: [] }, ADULT)).toEqual(
			[]
		);
		expect(evaluateReading({ temperature: 36.6, spo2: 98 }, null, ADULT)).toEqual([]);
	});
});

describe('mergeAlert', () => {
	const warning: Trigger = { kind: 'fever', severity: 'warning', value: { temperature: 37.6 } };
	const critical: Trigger = { kind: 'fever', severity: 'critical', value: { temperature: 39.4 } };

	it('opens a new alert when none is active', () => {
		expect(mergeAlert(null, warning)).toEqual({
			action: 'create',
			severity: 'warning',
			status: 'open',
			count: 1,
			value: { temperature: 37.6 },
			notify: true
		});
		expect(mergeAlert(null, critical)).toMatchObject({
			action: 'create',
			severity: 'critical',
			notify: true
		});
	});

	it.each<[string, ActiveAlert, Trigger, Severity, 'open' | 'acknowledged', boolean]>([
		[
			'open warning, warning again',
			{ severity: 'warning', status: 'open', count: 1 },
			warning,
			'warning',
			'open',
			false
		],
		[
			'open warning, critical',
			{ severity: 'warning', status: 'open', count: 2 },
			critical,
			'critical',
			'open',
			true
		],
		[
			'open critical, warning',
			{ severity: 'critical', status: 'open', count: 1 },
			warning,
			'critical',
			'open',
			false
		],
		[
			'open critical, critical',
			{ severity: 'critical', status: 'open', count: 4 },
			critical,
			'critical',
			'open',
			false
		],
		[
			'acknowledged warning, warning',
			{ severity: 'warning', status: 'acknowledged', count: 1 },
			warning,
			'warning',
			'acknowledged',
			false
		],
		[
			'acknowledged warning, critical reopens',
			{ severity: 'warning', status: 'acknowledged', count: 3 },
			critical,
			'critical',
			'open',
			true
		],
		[
			'acknowledged critical, warning',
			{ severity: 'critical', status: 'acknowledged', count: 1 },
			warning,
			'critical',
			'acknowledged',
			false
		],
		[
			'acknowledged critical, critical',
			{ severity: 'critical', status: 'acknowledged', count: 2 },
			critical,
			'critical',
			'acknowledged',
			false
		]
	])('%s', (_label, active, trigger, severity, status, notify) => {
		expect(mergeAlert(active, trigger)).toEqual({
			action: 'update',
			severity,
			status,
			count: active.count + 1,
			value: trigger.value,
			notify
		});
	});

	it('folds a stream of triggers into one alert with the highest severity and the latest value', () => {
		let active: ActiveAlert | null = null;
		let notifications = 0;
		let value: Record<string, unknown> = {};
		for (const t of [warning, warning, critical, warning]) {
			const merged = mergeAlert(active, t);
			if (merged.notify) notifications++;
			active = { severity: merged.severity, status: merged.status, count: merged.count };
			value = merged.value;
		}
		expect(active).toEqual({ severity: 'critical', status: 'open', count: 4 });
		expect(value).toEqual({ temperature: 37.6 });
		expect(notifications).toBe(2);
	});

	it('orders severities', () => {
		expect(maxSeverity('warning', 'critical')).toBe('critical');
		expect(maxSeverity('critical', 'warning')).toBe('critical');
		expect(maxSeverity('warning', 'warning')).toBe('warning');
	});
});

describe('missedSlotSeverity', () => {
	it.each<[number, Severity | null]>([
		[0, null],
		[1, 'warning'],
		[2, 'critical'],
		[5, 'critical']
	])('%s consecutive misses: %s', (misses, severity) => {
		expect(missedSlotSeverity(misses)).toBe(severity);
	});
});

describe('unreachableFromCalls', () => {
	it.each<[CallOutcome[], boolean]>([
		[[], false],
		[['no_answer', 'busy'], false],
		[['no_answer', 'busy', 'refused'], true],
		[['wrong_number', 'wrong_number', 'wrong_number'], true],
		[['reached', 'no_answer', 'busy', 'refused'], true],
		[['no_answer', 'reached', 'busy', 'refused'], false],
		[['no_answer', 'busy', 'reached', 'refused'], false],
		[['no_answer', 'busy', 'refused', 'reached'], false],
		[['no_answer', 'no_answer', 'no_answer', 'no_answer', 'no_answer'], true],
		[['reached', 'reached', 'reached'], false]
	])('%j → %s', (outcomes, unreachable) => {
		expect(unreachableFromCalls(outcomes)).toBe(unreachable);
	});
});
