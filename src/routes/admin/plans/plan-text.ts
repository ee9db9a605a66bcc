/** Words for the plan pages: modes in short, where a plan counts from, and the error codes. */
import type { PlanPhase } from '$lib/domain/plan';
import { errorText } from '$lib/labels';
import { m } from '$lib/paraglide/messages';

export const modeShortLabel: Record<string, () => string> = {
	centralised: m.plan_mode_short_centralised,
	home_isolation: m.plan_mode_short_home_isolation,
	home_monitoring: m.plan_mode_short_home_monitoring
};

export const countsFromLabel: Record<string, () => string> = {
	admission: m.plan_counts_from_admission,
	exposure: m.plan_counts_from_exposure
};

/** "集中 7 天 + 居家健康监测 3 天" */
export function phasesSummary(phases: readonly PlanPhase[]): string {
	return phases
		.map((p) => m.plan_phase_summary({ mode: modeShortLabel[p.mode]?.() ?? p.mode, days: p.days }))
		.join(' + ');
}

const errors: Record<string, () => string> = {
	plan_code_taken: m.plan_err_code_taken,
	plan_code_chars: m.plan_err_code_chars,
	plan_code_length: m.plan_err_code_length,
	plan_too_long: m.plan_err_too_long,
	plan_phases_count: m.plan_err_phases_count,
	plan_phase_mode: m.plan_err_phase_mode,
	plan_days_range: m.plan_err_days_range,
	plan_tests_format: m.plan_err_tests_format,
	plan_test_day_outside: m.plan_err_test_day_outside,
	plan_stale: m.plan_err_stale,
	plan_not_found: m.plan_err_not_found
};

export function planErrorText(code: string | string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return errors[c]?.() ?? errorText(c);
}
