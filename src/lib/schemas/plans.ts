/**
 * Isolation plans as the admin edits them. The use cases take phases in the domain's shape
 * (`PlanPhase[]`); the form sends them as three parallel lists (mode, days, test days as typed) so that
 * it posts as a plain HTML form, and `phasesFromForm` turns one into the other. Both run the same checks.
 */
import { z } from 'zod';
import type { PlanPhase } from '../domain/plan';

export const PHASE_MODES = ['centralised', 'home_isolation', 'home_monitoring'] as const;
export const COUNTS_FROM = ['admission', 'exposure'] as const;
export const MAX_PHASES = 4;
export const MAX_PHASE_DAYS = 60;

/**
 * "1, 4，7" → [1, 4, 7], sorted and without repeats; null when a part is not a whole number. Chinese
 * commas and 、 are accepted as a Chinese keyboard types them.
 */
export function parseTestDays(text: string): number[] | null {
	const parts = text.split(/[,，、;；\s]+/).filter(Boolean);
	const days: number[] = [];
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return null;
		days.push(Number(part));
	}
	return [...new Set(days)].sort((a, b) => a - b);
}

export function formatTestDays(days: readonly number[]): string {
	return days.join(', ');
}

export interface PhaseProblem {
	/** The phase, or null for the list as a whole. */
	index: number | null;
	field: 'mode' | 'days' | 'testDays' | null;
	code: string;
}

/** Everything wrong with a list of phases: 1–4 phases, 1–60 whole days, test days within their phase. */
export function phaseProblems(phases: readonly PlanPhase[]): PhaseProblem[] {
	const problems: PhaseProblem[] = [];
	if (phases.length < 1 || phases.length > MAX_PHASES)
		problems.push({ index: null, field: null, code: 'plan_phases_count' });
	phases.forEach((phase, index) => {
		if (!PHASE_MODES.includes(phase.mode)) problems.push({ index, field: 'mode', code: 'plan_phase_mode' });
		const daysOk = Number.isInteger(phase.days) && phase.days >= 1 && phase.days <= MAX_PHASE_DAYS;
		if (!daysOk) problems.push({ index, field: 'days', code: 'plan_days_range' });
		else if (!phase.testDays.every((d) => Number.isInteger(d) && d >= 1 && d <= phase.days))
			problems.push({ index, field: 'testDays', code: 'plan_test_day_outside' });
	});
	return problems;
}

const planFields = {
	name: z.string().trim().min(1, 'required').max(80, 'plan_too_long'),
	nameEn: z.string().trim().max(120, 'plan_too_long').default(''),
	protocolEdition: z.string().trim().min(1, 'required').max(60, 'plan_too_long'),
	countsFrom: z.enum(COUNTS_FROM, { error: 'required' })
};

const code = z
	.string()
	.trim()
	.min(2, 'plan_code_length')
	.max(40, 'plan_code_length')
	.regex(/^[A-Za-z0-9][A-Za-z0-9+._-]*$/, 'plan_code_chars');

const version = z.number({ error: 'required' }).int().min(1);

// ---- The use cases' input (and a JSON API's) ----

const phaseSchema = z.object({
	mode: z.enum(PHASE_MODES, { error: 'plan_phase_mode' }),
	days: z.number({ error: 'plan_days_range' }),
	testDays: z.array(z.number({ error: 'plan_tests_format' })).max(MAX_PHASE_DAYS, 'plan_tests_format')
});

function refinePhases(v: { phases: PlanPhase[] }, ctx: z.RefinementCtx) {
	for (const p of phaseProblems(v.phases)) {
		const path = p.index === null ? ['phases'] : ['phases', p.index, p.field!];
		ctx.addIssue({ code: 'custom', path, message: p.code });
	}
}

const planInputObject = z.object({
	...planFields,
	active: z.boolean().default(true),
	phases: z.array(phaseSchema)
});
export const createPlanInputSchema = planInputObject.extend({ code }).superRefine(refinePhases);
export const updatePlanInputSchema = planInputObject.extend({ version }).superRefine(refinePhases);
export type CreatePlanInput = z.input<typeof createPlanInputSchema>;
export type UpdatePlanInput = z.input<typeof updatePlanInputSchema>;

// ---- The form ----

const planFormObject = z.object({
	...planFields,
	// No default: an unchecked box posts nothing, and a default would read that as checked.
	active: z.boolean(),
	phaseMode: z
		.array(z.enum(PHASE_MODES, { error: 'plan_phase_mode' }))
		.min(1, 'plan_phases_count')
		.max(MAX_PHASES, 'plan_phases_count'),
	phaseDays: z.array(
		z
			.number({ error: 'plan_days_range' })
			.int('plan_days_range')
			.min(1, 'plan_days_range')
			.max(MAX_PHASE_DAYS, 'plan_days_range')
	),
	phaseTests: z.array(z.string().trim().max(200, 'plan_tests_format'))
});

type PlanForm = z.infer<typeof planFormObject>;

/** The form's parallel lists as phases; undefined where the form does not make sense yet. */
export function phasesFromForm(v: Pick<PlanForm, 'phaseMode' | 'phaseDays' | 'phaseTests'>): PlanPhase[] {
	return v.phaseMode.map((mode, i) => ({
		mode,
		days: v.phaseDays[i] ?? NaN,
		testDays: parseTestDays(v.phaseTests[i] ?? '') ?? []
	}));
}

export function phasesToForm(phases: readonly PlanPhase[]) {
	return {
		phaseMode: phases.map((p) => p.mode),
		phaseDays: phases.map((p) => p.days),
		phaseTests: phases.map((p) => formatTestDays(p.testDays))
	};
}

function refineForm(v: PlanForm, ctx: z.RefinementCtx) {
	const n = v.phaseMode.length;
	if (v.phaseDays.length !== n || v.phaseTests.length !== n) {
		ctx.addIssue({ code: 'custom', path: ['phaseMode'], message: 'plan_phases_count' });
		return;
	}
	v.phaseTests.forEach((text, i) => {
		const days = parseTestDays(text);
		if (days === null)
			ctx.addIssue({ code: 'custom', path: ['phaseTests', i], message: 'plan_tests_format' });
	});
	for (const p of phaseProblems(phasesFromForm(v))) {
		// Count, modes and days already have their own messages from the fields' rules.
		if (p.field === 'testDays')
			ctx.addIssue({ code: 'custom', path: ['phaseTests', p.index!], message: p.code });
	}
}

export const createPlanFormSchema = planFormObject.extend({ code }).superRefine(refineForm);
export const updatePlanFormSchema = planFormObject.extend({ version }).superRefine(refineForm);
