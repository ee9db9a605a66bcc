/** Minimal rows for tests, each with overrides. Valid by default: every test changes only what it tests. */
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { PLAN_PRESETS } from '../../../src/lib/domain/plan';
import type { Db } from '../../../src/lib/server/db';
import * as t from '../../../src/lib/server/db/schema';

let counter = 0;
const next = () => ++counter;

export function uniqueKey(prefix = 'key') {
	return `${prefix}-${Date.now().toString(36)}-${next()}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function makeSite(db: Db, over: Partial<typeof t.sites.$inferInsert> = {}) {
	const n = next();
	const [row] = await db
		.insert(t.sites)
		.values({
			code: `T-${n}-${Math.random().toString(36).slice(2, 6)}`,
			kind: 'centralised',
			name: `测试隔离点 ${n}`,
			...over
		})
		.returning();
	return row!;
}

export async function makeRoom(db: Db, siteId: string, over: Partial<typeof t.rooms.$inferInsert> = {}) {
	const [row] = await db
		.insert(t.rooms)
		.values({ siteId, floor: 2, number: `2${String(next()).padStart(2, '0')}`, ...over })
		.returning();
	return row!;
}

export async function makePlan(db: Db, code = 'ed9-7+3') {
	const preset = PLAN_PRESETS.find((p) => p.code === code)!;
	const [row] = await db
		.insert(t.plans)
		.values({
			code: `${preset.code}-${next()}`,
			name: preset.name,
			nameEn: preset.nameEn,
			protocolEdition: preset.protocolEdition,
			countsFrom: preset.countsFrom,
			phases: preset.phases.map((p) => ({ ...p, testDays: [...p.testDays] }))
		})
		.returning();
	return row!;
}

export async function makeResident(
	db: Db,
	homeCommunityId: string,
	over: Partial<typeof t.residents.$inferInsert> = {}
) {
	const n = next();
	const first17 = `41080219900101${String(n % 1000).padStart(3, '0')}`;
	const idNumber = first17 + idCheckChar(first17);
	const phone = `138${String(10_000_000 + n).slice(-8)}`;
	const [row] = await db
		.insert(t.residents)
		.values({
			name: `测试${n}`,
			idType: 'resident_id',
			idNumber,
			idLast4: idNumber.slice(-4),
			phone,
			phoneLast4: phone.slice(-4),
			homeAddress: '焦作市解放区测试路 1 号',
			homeCommunityId,
			...over
		})
		.returning();
	return row!;
}

export async function makeStay(
	db: Db,
	refs: {
		residentId: string;
		siteId: string;
		homeCommunityId: string;
		planId: string;
		roomId?: string | null;
	},
	over: Partial<typeof t.stays.$inferInsert> = {}
) {
	const plan = (await db.query.plans.findFirst({ where: (p, { eq }) => eq(p.id, refs.planId) }))!;
	const admittedAt = new Date();
	const [row] = await db
		.insert(t.stays)
		.values({
			residentId: refs.residentId,
			siteId: refs.siteId,
			roomId: refs.roomId ?? null,
			homeCommunityId: refs.homeCommunityId,
			planId: refs.planId,
			planPhases: plan.phases,
			planCountsFrom: plan.countsFrom,
			category: 'close_contact',
			admittedAt,
			periodStart: admittedAt,
			releaseDueAt: new Date(admittedAt.getTime() + 10 * 86_400_000),
			idempotencyKey: uniqueKey('stay'),
			...over
		})
		.returning();
	return row!;
}

/** A centralised site with one room, a community, a plan: the usual ground for a test. */
export async function makeGround(db: Db, roomCapacity = 1) {
	const site = await makeSite(db);
	const community = await makeSite(db, { kind: 'community' });
	const room = await makeRoom(db, site.id, { capacity: roomCapacity });
	const plan = await makePlan(db);
	return { site, community, room, plan };
}
