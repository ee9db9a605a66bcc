/**
 * The alert engine's rules (DESIGN §3, Alerts): which triggers a reading raises, how a trigger merges into
 * the stay's active alert of its kind, and the missed-slot and unreachable rules. Pure: the server stores
 * and notifies, these functions decide.
 */
import { news2, spo2ScaleOf, type News2Subject } from './news2';
import { isSymptom, roundTemperature, SYMPTOMS, type Reading, type Symptom } from './vitals';

export type Severity = 'warning' | 'critical';
export type ReadingAlertKind = 'fever' | 'hypoxia' | 'news2' | 'red_vital' | 'symptom';

export interface Trigger {
	kind: ReadingAlertKind;
	severity: Severity;
	/** What raised it, stored as the alert's latest value. */
	value: Record<string, unknown>;
}

/** SpO2 at or below `warning` warns; at or below `critical` is critical. */
export interface HypoxiaThresholds {
	readonly warning: number;
	readonly critical: number;
}

export interface Thresholds {
	/**
	 * Fever at or above this. Notices that say "超过 37.3" (strictly above) are met by 37.4, since
	 * temperatures are kept to 0.1 °C.
	 */
	readonly fever: number;
	readonly feverCritical: number;
	readonly hypoxia: { readonly scale1: HypoxiaThresholds; readonly scale2: HypoxiaThresholds };
}

/** DESIGN §3 defaults; scale 1 follows NHS Oximetry @home, scale 2 sits just under its 88–92 target. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
	fever: 37.3,
	feverCritical: 39.0,
	hypoxia: Object.freeze({
		scale1: Object.freeze({ warning: 94, critical: 92 }),
		scale2: Object.freeze({ warning: 87, critical: 85 })
	})
});

export interface ThresholdOverrides {
	fever?: number | null;
	feverCritical?: number | null;
	hypoxia?: {
		scale1?: { warning?: number | null; critical?: number | null } | null;
		scale2?: { warning?: number | null; critical?: number | null } | null;
	} | null;
}

/** A site's thresholds from its stored settings (`settings.thresholds`, when there is one). */
export function thresholdsOfSettings(settings: unknown): Thresholds {
	return thresholdsFrom((settings as { thresholds?: ThresholdOverrides } | null)?.thresholds ?? null);
}

/**
 * A site's thresholds: each value it sets, the default for the rest. Site settings are stored as JSON,
 * so anything that is not a finite number falls back rather than silencing a rule.
 */
export function thresholdsFrom(overrides: ThresholdOverrides | null | undefined): Thresholds {
	const pick = (value: unknown, fallback: number): number =>
		typeof value === 'number' && Number.isFinite(value) ? value : fallback;
	const d = DEFAULT_THRESHOLDS;
	const h = overrides?.hypoxia;
	return {
		fever: pick(overrides?.fever, d.fever),
		feverCritical: pick(overrides?.feverCritical, d.feverCritical),
		hypoxia: {
			scale1: {
				warning: pick(h?.scale1?.warning, d.hypoxia.scale1.warning),
				critical: pick(h?.scale1?.critical, d.hypoxia.scale1.critical)
			},
			scale2: {
				warning: pick(h?.scale2?.warning, d.hypoxia.scale2.warning),
				critical: pick(h?.scale2?.critical, d.hypoxia.scale2.critical)
			}
		}
	};
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

function feverTrigger(r: Reading, t: Thresholds): Trigger | null {
	if (!present(r.temperature)) return null;
	// Judge the value as stored: 37.25 is kept as 37.3, which is a fever.
	const temperature = roundTemperature(r.temperature);
	if (temperature >= t.feverCritical) return { kind: 'fever', severity: 'critical', value: { temperature } };
	if (temperature >= t.fever) return { kind: 'fever', severity: 'warning', value: { temperature } };
	return null;
}

function hypoxiaTrigger(r: Reading, subject: News2Subject, t: Thresholds): Trigger | null {
	if (!present(r.spo2)) return null;
	const scale = spo2ScaleOf(r, subject);
	const limits = scale === 2 ? t.hypoxia.scale2 : t.hypoxia.scale1;
	const value = { spo2: r.spo2, scale, onOxygen: r.onOxygen ?? false };
	if (r.spo2 <= limits.critical) return { kind: 'hypoxia', severity: 'critical', value };
	if (r.spo2 <= limits.warning) return { kind: 'hypoxia', severity: 'warning', value };
	return null;
}

/**
 * NEWS2's 3-band for each parameter except SpO2, whose low values the hypoxia alert already covers.
 * Used only when NEWS2 itself cannot speak, so a single red value is never silent.
 */
function redValues(r: Reading): Record<string, unknown> {
	const red: Record<string, unknown> = {};
	if (present(r.respRate) && (r.respRate <= 8 || r.respRate >= 25)) red.respRate = r.respRate;
	if (present(r.systolicBp) && (r.systolicBp <= 90 || r.systolicBp >= 220)) red.systolicBp = r.systolicBp;
	if (present(r.pulse) && (r.pulse <= 40 || r.pulse >= 131)) red.pulse = r.pulse;
	if (present(r.consciousness) && r.consciousness !== 'A') red.consciousness = r.consciousness;
	if (present(r.temperature)) {
		const temperature = roundTemperature(r.temperature);
		if (temperature <= 35.0) red.temperature = temperature;
	}
	return red;
}

function news2OrRedTrigger(r: Reading, subject: News2Subject): Trigger | null {
	const score = news2(r, subject);
	if (score === null) {
		const red = redValues(r);
		return Object.keys(red).length > 0 ? { kind: 'red_vital', severity: 'warning', value: red } : null;
	}
	const value = { total: score.total, risk: score.risk, anySingle3: score.anySingle3, parts: score.parts };
	if (score.total >= 5) return { kind: 'news2', severity: 'critical', value };
	if (score.anySingle3) return { kind: 'news2', severity: 'warning', value };
	return null;
}

/** Known codes only, once each, in the canonical order, so the alert reads the same whatever the input. */
function symptomSet(codes: readonly string[] | undefined): Symptom[] {
	const given = new Set((codes ?? []).filter(isSymptom));
	return SYMPTOMS.filter((s) => given.has(s));
}

function symptomTrigger(r: Reading, previous: Reading | null): Trigger | null {
	const symptoms = symptomSet(r.symptoms);
	const before = new Set(symptomSet(previous?.symptoms));
	const fresh = symptoms.filter((s) => !before.has(s));
	// Breathlessness is the sign of COVID turning severe, so it is raised again at every reading, not once.
	const breathless = symptoms.includes('shortness_of_breath');
	if (!breathless && fresh.length === 0) return null;
	return { kind: 'symptom', severity: breathless ? 'critical' : 'warning', value: { new: fresh, symptoms } };
}

/**
 * The triggers a reading raises, at most one per kind, in the order fever, hypoxia, news2 or red_vital,
 * symptom. `previous` stands for what came before this reading; only its symptoms are used (the
 * server passes every symptom reported in the 24 hours before, so a reading without symptoms in between
 * does not make a continuing one look new).
 */
export function evaluateReading(
	r: Reading,
	previous: Reading | null,
	subject: News2Subject,
	thresholds: Thresholds = DEFAULT_THRESHOLDS
): Trigger[] {
	return [
		feverTrigger(r, thresholds),
		hypoxiaTrigger(r, subject, thresholds),
		news2OrRedTrigger(r, subject),
		symptomTrigger(r, previous)
	].filter((t) => t !== null);
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

export function maxSeverity(a: Severity, b: Severity): Severity {
	return RANK[b] > RANK[a] ? b : a;
}

export type ActiveStatus = 'open' | 'acknowledged';

export interface ActiveAlert {
	severity: Severity;
	status: ActiveStatus;
	count: number;
}

export interface AlertMerge {
	/** Insert a new alert, or update the active one of the same stay and kind. */
	action: 'create' | 'update';
	severity: Severity;
	status: ActiveStatus;
	count: number;
	value: Record<string, unknown>;
	/** Whether staff should be told (again). */
	notify: boolean;
}

/**
 * Applies a trigger to the stay's active alert of its kind (null when none): one active alert per stay and
 * kind, holding the highest severity seen. Repeats are folded in silently, so a resident febrile all week
 * does not flood the inbox; a rise in severity is news, so it reopens an acknowledged alert and notifies.
 */
export function mergeAlert(
	active: ActiveAlert | null,
	trigger: { severity: Severity; value: Record<string, unknown> }
): AlertMerge {
	if (active === null)
		return {
			action: 'create',
			severity: trigger.severity,
			status: 'open',
			count: 1,
			value: trigger.value,
			notify: true
		};
	const rose = RANK[trigger.severity] > RANK[active.severity];
	return {
		action: 'update',
		severity: maxSeverity(active.severity, trigger.severity),
		status: rose ? 'open' : active.status,
		count: active.count + 1,
		value: trigger.value,
		notify: rose
	};
}

/** A slot missed once may be a late round; a second miss in a row means nobody is watching this resident. */
export function missedSlotSeverity(consecutiveMisses: number): Severity | null {
	if (consecutiveMisses >= 2) return 'critical';
	if (consecutiveMisses >= 1) return 'warning';
	return null;
}

export type CallOutcome = 'reached' | 'no_answer' | 'busy' | 'wrong_number' | 'refused';

export const FAILED_CALL_OUTCOMES: readonly CallOutcome[] = ['no_answer', 'busy', 'wrong_number', 'refused'];

/** Failed attempts in a row that make a home isolator unreachable. */
export const UNREACHABLE_AFTER = 3;

/**
 * Whether the latest call attempts (oldest first, across days) are all failures: any reached call
 * among the last three resets the count.
 */
export function unreachableFromCalls(outcomes: readonly CallOutcome[]): boolean {
	if (outcomes.length < UNREACHABLE_AFTER) return false;
	return outcomes.slice(-UNREACHABLE_AFTER).every((o) => FAILED_CALL_OUTCOMES.includes(o));
}
