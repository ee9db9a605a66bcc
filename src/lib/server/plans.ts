/**
 * Isolation plans, managed by admins. Editing a plan changes the `plans` row only: every stay keeps the
 * phases it was admitted with (`stays.plan_phases`), so a new policy applies to new admissions and never
 * moves anyone's release date. Every write runs in one transaction with its audit row.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import type { PlanPhase } from '../domain/plan';
import {
	createPlanInputSchema,
	updatePlanInputSchema,
	type CreatePlanInput,
	type UpdatePlanInput
} from '../schemas/plans';
import { audit, changedFields } from './audit';
import { db } from './db';
import { pgConstraint } from './db/errors';
import * as t from './db/schema';
import type { Result } from './users';

export async function listPlans() {
	return db()
		.select({
			id: t.plans.id,
			code: t.plans.code,
			name: t.plans.name,
			nameEn: t.plans.nameEn,
			protocolEdition: t.plans.protocolEdition,
			countsFrom: t.plans.countsFrom,
			phases: t.plans.phases,
			active: t.plans.active,
			activeStays: sql<number>`(select count(*)::int from stays s where s.plan_id = ${t.plans.id} and s.status = 'active')`
		})
		.from(t.plans)
		.orderBy(sql`${t.plans.active} desc`, asc(t.plans.createdAt), asc(t.plans.code));
}

/** Plans offered for new admissions. */
export async function listActivePlans() {
	return db()
		.select({
			id: t.plans.id,
			code: t.plans.code,
			name: t.plans.name,
			nameEn: t.plans.nameEn,
			countsFrom: t.plans.countsFrom,
			phases: t.plans.phases
		})
		.from(t.plans)
		.where(eq(t.plans.active, true))
		.orderBy(asc(t.plans.createdAt), asc(t.plans.code));
}

export async function getPlanByCode(code: string) {
	const [plan] = await db().select().from(t.plans).where(eq(t.plans.code, code));
	return plan ?? null;
}

/** How many people are isolating on the plan now (their stays keep their own copy of its phases). */
export async function activeStayCount(planId: string): Promise<number> {
	const [row] = await db()
		.select({ n: sql<number>`count(*)::int` })
		.from(t.stays)
		.where(and(eq(t.stays.planId, planId), eq(t.stays.status, 'active')));
	return row?.n ?? 0;
}

/** The first problem the rules find, in the shape the forms show: `phases.1.testDays` → field `phases`. */
function firstProblem(issues: { path: PropertyKey[]; message: string }[]) {
	const issue = issues[0];
	return {
		ok: false as const,
		error: issue?.message ?? 'invalid',
		field: issue?.path.map(String).join('.') ?? ''
	};
}

/** Test days sorted, without repeats, so two spellings of one plan compare equal. */
function tidy(phases: readonly PlanPhase[]): PlanPhase[] {
	return phases.map((p) => ({
		mode: p.mode,
		days: p.days,
		testDays: [...new Set(p.testDays)].sort((a, b) => a - b)
	}));
}

export async function createPlan(
	actor: Principal,
	input: CreatePlanInput,
	ip: string | null
): Promise<Result<{ id: string; code: string }>> {
	const parsed = createPlanInputSchema.safeParse(input);
	if (!parsed.success) return firstProblem(parsed.error.issues);
	const v = parsed.data;
	const values = {
		code: v.code,
		name: v.name,
		nameEn: v.nameEn || v.name,
		protocolEdition: v.protocolEdition,
		countsFrom: v.countsFrom,
		phases: tidy(v.phases),
		active: v.active
	};
	try {
		const plan = await db().transaction(async (tx) => {
			const [row] = await tx.insert(t.plans).values(values).returning();
			// `planCode`, not `code`: the audit drops fields named `code` (residents' sign-in codes).
			const { code, ...rest } = values;
			await audit(tx, {
				actor,
				action: 'create',
				entity: 'plan',
				entityId: row!.id,
				after: { planCode: code, ...rest },
				ip
			});
			return row!;
		});
		return { ok: true, value: { id: plan.id, code: plan.code } };
	} catch (e) {
		if (pgConstraint(e) === 'plans_code_key') return { ok: false, error: 'plan_code_taken', field: 'code' };
		throw e;
	}
}

export async function updatePlan(
	actor: Principal,
	planId: string,
	input: UpdatePlanInput,
	ip: string | null
): Promise<Result<null>> {
	const parsed = updatePlanInputSchema.safeParse(input);
	if (!parsed.success) return firstProblem(parsed.error.issues);
	const v = parsed.data;
	const values = {
		name: v.name,
		nameEn: v.nameEn || v.name,
		protocolEdition: v.protocolEdition,
		countsFrom: v.countsFrom,
		phases: tidy(v.phases),
		active: v.active
	};
	return db().transaction(async (tx) => {
		const [current] = await tx.select().from(t.plans).where(eq(t.plans.id, planId));
		if (!current) return { ok: false, error: 'plan_not_found' } as const;
		const updated = await tx
			.update(t.plans)
			.set({ ...values, version: sql`${t.plans.version} + 1` })
			.where(and(eq(t.plans.id, planId), eq(t.plans.version, v.version)))
			.returning({ id: t.plans.id });
		if (!updated.length) return { ok: false, error: 'plan_stale' } as const;
		const diff = changedFields(
			{
				name: current.name,
				nameEn: current.nameEn,
				protocolEdition: current.protocolEdition,
				countsFrom: current.countsFrom,
				phases: current.phases,
				active: current.active
			},
			values
		);
		if (Object.keys(diff.after).length)
			await audit(tx, { actor, action: 'update', entity: 'plan', entityId: planId, ...diff, ip });
		return { ok: true, value: null } as const;
	});
}
