/**
 * Admin management of isolation plans: the phase rules (1–4 phases, 1–60 days, test days within their
 * phase) in the form and the use case, unique codes, optimistic locking, the audit, and the promise
 * that editing a plan never changes a stay already admitted on it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import type { PlanPhase } from '../../src/lib/domain/plan';
import {
	createPlanFormSchema,
	parseTestDays,
	phasesFromForm,
	phasesToForm,
	type CreatePlanInput
} from '../../src/lib/schemas/plans';
import * as t from '../../src/lib/server/db/schema';
import * as plans from '../../src/lib/server/plans';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay } from './helpers/factories';

let tdb: TestDatabase;
const ip = '10.0.0.11';
const admin: Principal = {
	userId: crypto.randomUUID(),
	role: 'admin',
	siteIds: [],
	residentId: null,
	readOnly: false
};

beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

let n = 0;
function input(over: Partial<CreatePlanInput> = {}): CreatePlanInput {
	n++;
	return {
		code: `it-${n}-7+3`,
		name: `测试方案 ${n}`,
		nameEn: '',
		protocolEdition: '第九版',
		countsFrom: 'admission',
		active: true,
		phases: [
			{ mode: 'centralised', days: 7, testDays: [7, 1, 3, 3] },
			{ mode: 'home_monitoring', days: 3, testDays: [3] }
		],
		...over
	};
}

async function planRow(id: string) {
	const [row] = await tdb.db.select().from(t.plans).where(eq(t.plans.id, id));
	return row!;
}

describe('test days as typed', () => {
	it('reads commas of either width, 、 and spaces; sorts and drops repeats; refuses non-numbers', () => {
		expect(parseTestDays('1, 4，7、2 2')).toEqual([1, 2, 4, 7]);
		expect(parseTestDays('')).toEqual([]);
		expect(parseTestDays('  ')).toEqual([]);
		expect(parseTestDays('1, x')).toBeNull();
		expect(parseTestDays('1.5')).toBeNull();
		expect(parseTestDays('-1')).toBeNull();
	});

	it('turns the form’s three lists into phases and back', () => {
		const phases: PlanPhase[] = [
			{ mode: 'centralised', days: 5, testDays: [1, 2, 3, 5] },
			{ mode: 'home_isolation', days: 3, testDays: [] }
		];
		expect(phasesToForm(phases)).toEqual({
			phaseMode: ['centralised', 'home_isolation'],
			phaseDays: [5, 3],
			phaseTests: ['1, 2, 3, 5', '']
		});
		expect(phasesFromForm(phasesToForm(phases))).toEqual(phases);
	});
});

describe('the plan form', () => {
	const form = (over: Record<string, unknown> = {}) => ({
		code: 'form-7+3',
		name: '表单方案',
		nameEn: '',
		protocolEdition: '第九版',
		countsFrom: 'admission',
		active: true,
		phaseMode: ['centralised', 'home_monitoring'],
		phaseDays: [7, 3],
		phaseTests: ['1, 3, 7', '3'],
		...over
	});

	it('accepts a good plan', () => {
		expect(createPlanFormSchema.safeParse(form()).success).toBe(true);
	});

	it('refuses a test day outside its phase, at that phase’s test-day field', () => {
		const parsed = createPlanFormSchema.safeParse(form({ phaseTests: ['1, 3, 7', '4'] }));
		expect(parsed.success).toBe(false);
		expect(parsed.error!.issues).toEqual([
			expect.objectContaining({ path: ['phaseTests', 1], message: 'plan_test_day_outside' })
		]);
	});

	it('refuses test days that are not numbers, days out of 1–60, and more than four phases', () => {
		const bad = createPlanFormSchema.safeParse(form({ phaseTests: ['1, seven', '3'] }));
		expect(bad.error!.issues[0]).toMatchObject({ path: ['phaseTests', 0], message: 'plan_tests_format' });
		const long = createPlanFormSchema.safeParse(form({ phaseDays: [61, 3] }));
		expect(long.error!.issues[0]).toMatchObject({ path: ['phaseDays', 0], message: 'plan_days_range' });
		const many = createPlanFormSchema.safeParse(
			form({
				phaseMode: Array(5).fill('centralised'),
				phaseDays: Array(5).fill(1),
				phaseTests: Array(5).fill('')
			})
		);
		expect(many.error!.issues.some((i) => i.message === 'plan_phases_count')).toBe(true);
	});
});

describe('creating a plan', () => {
	it('stores tidy phases, falls back to the Chinese name in English, and audits it', async () => {
		const result = await plans.createPlan(admin, input(), ip);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const row = await planRow(result.value.id);
		expect(row.phases).toEqual([
			{ mode: 'centralised', days: 7, testDays: [1, 3, 7] },
			{ mode: 'home_monitoring', days: 3, testDays: [3] }
		]);
		expect(row.nameEn).toBe(row.name);
		const [entry] = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.entityId, row.id));
		expect(entry).toMatchObject({ action: 'create', entity: 'plan', actorId: admin.userId, ip });
		expect(entry!.after).toMatchObject({ planCode: row.code, phases: row.phases });
	});

	it('refuses a test day outside its phase, and creates nothing', async () => {
		const bad = input({ phases: [{ mode: 'centralised', days: 7, testDays: [1, 8] }] });
		const result = await plans.createPlan(admin, bad, ip);
		expect(result).toEqual({ ok: false, error: 'plan_test_day_outside', field: 'phases.0.testDays' });
		expect(await plans.getPlanByCode(bad.code)).toBeNull();
	});

	it('refuses no phases, five phases, a zero-day phase and a test on day 0', async () => {
		const cases: [PlanPhase[], string][] = [
			[[], 'plan_phases_count'],
			[Array(5).fill({ mode: 'centralised', days: 1, testDays: [] }), 'plan_phases_count'],
			[[{ mode: 'centralised', days: 0, testDays: [] }], 'plan_days_range'],
			[[{ mode: 'home_isolation', days: 7, testDays: [0, 7] }], 'plan_test_day_outside']
		];
		for (const [phases, error] of cases) {
			const result = await plans.createPlan(admin, input({ phases }), ip);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.error).toBe(error);
		}
	});

	it('refuses a code that is taken', async () => {
		const first = input();
		expect((await plans.createPlan(admin, first, ip)).ok).toBe(true);
		const again = await plans.createPlan(admin, { ...input(), code: first.code }, ip);
		expect(again).toEqual({ ok: false, error: 'plan_code_taken', field: 'code' });
	});
});

describe('editing a plan', () => {
	it('changes the plan for later admissions and leaves an existing stay’s phases as they were', async () => {
		const { site, community, room, plan } = await makeGround(tdb.db);
		const resident = await makeResident(tdb.db, community.id);
		const stay = await makeStay(tdb.db, {
			residentId: resident.id,
			siteId: site.id,
			homeCommunityId: community.id,
			planId: plan.id,
			roomId: room.id
		});
		const before = structuredClone(stay.planPhases);
		expect(await plans.activeStayCount(plan.id)).toBe(1);

		const phases: PlanPhase[] = [
			{ mode: 'centralised', days: 10, testDays: [1, 5, 10] },
			{ mode: 'home_monitoring', days: 4, testDays: [4] }
		];
		const result = await plans.updatePlan(
			admin,
			plan.id,
			{
				name: plan.name,
				nameEn: plan.nameEn,
				protocolEdition: plan.protocolEdition,
				countsFrom: plan.countsFrom,
				active: plan.active,
				phases,
				version: plan.version
			},
			ip
		);
		expect(result).toEqual({ ok: true, value: null });

		const edited = await planRow(plan.id);
		expect(edited.phases).toEqual(phases);
		expect(edited.version).toBe(plan.version + 1);
		const [kept] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, stay.id));
		expect(kept!.planPhases).toEqual(before);
		expect(kept!.releaseDueAt).toEqual(stay.releaseDueAt);
		expect(kept!.version).toBe(stay.version);

		const entries = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.entityId, plan.id));
		const update = entries.find((e) => e.action === 'update')!;
		expect(update.before).toEqual({ phases: before });
		expect(update.after).toEqual({ phases });
	});

	it('refuses a stale version and bad phases, changing nothing', async () => {
		const { plan } = await makeGround(tdb.db);
		const base = {
			name: plan.name,
			nameEn: plan.nameEn,
			protocolEdition: plan.protocolEdition,
			countsFrom: plan.countsFrom,
			active: false,
			phases: plan.phases
		};
		expect(await plans.updatePlan(admin, plan.id, { ...base, version: plan.version + 1 }, ip)).toEqual({
			ok: false,
			error: 'plan_stale'
		});
		const outside = await plans.updatePlan(
			admin,
			plan.id,
			{ ...base, phases: [{ mode: 'centralised', days: 3, testDays: [5] }], version: plan.version },
			ip
		);
		expect(outside).toMatchObject({ ok: false, error: 'plan_test_day_outside' });
		const row = await planRow(plan.id);
		expect(row).toMatchObject({ active: true, version: plan.version, phases: plan.phases });

		// The active switch alone is a change too, and is audited as such.
		expect((await plans.updatePlan(admin, plan.id, { ...base, version: plan.version }, ip)).ok).toBe(true);
		expect((await planRow(plan.id)).active).toBe(false);
		const [entry] = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.entityId, plan.id));
		expect(entry).toMatchObject({ action: 'update', before: { active: true }, after: { active: false } });
	});
});
