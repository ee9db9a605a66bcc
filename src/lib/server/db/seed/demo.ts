/**
 * The demo city: two centralised sites, two communities, ~80 residents over every phase and several
 * outcomes, seven days of twice-daily readings with a few fevers and one low SpO2, and one account per
 * role. Made-up people only. Everything is relative to `now`, so the demo always looks current.
 */
import { decodeBase32 } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import {
	HOUR_MS,
	PLAN_PRESETS,
	periodStart,
	position,
	schedule,
	testWindows,
	type PlanPhase
} from '../../../domain/plan';
import { slotOf } from '../../../domain/slot';
import type { Symptom } from '../../../domain/vitals';
import type { CallOutcome } from '../../../domain/alert-rules';
import { callSchema, type CallInput } from '../../../schemas/call';
import { recordCallInTx } from '../../follow-up/record-call';
import { recordReadingInTx } from '../../readings/record';
import { issueAccessCode } from '../../auth/access-codes';
import { hashPassword } from '../../auth/password';
import { setPublicTotpKey } from '../../auth/two-factor';
import { seedDeviceToken } from '../../devices/tokens';
import type { Db, Tx } from '../client';
import * as t from '../schema';
import { seedDemoDeliveries } from './deliveries';
import { createRng, fakePerson, type Rng } from './people';

export const DEMO_TIME_ZONE = 'Asia/Shanghai';

export interface DemoLogin {
	role: 'admin' | 'site_staff' | 'clinician' | 'resident';
	username?: string;
	password?: string;
	phone?: string;
	code?: string;
	/** The demo admin's second factor (base32), public like the demo passwords. */
	totpSecret?: string;
	note: string;
}

/**
 * The demo admin's TOTP key, base32 as authenticator apps take it. Public on purpose (README, printed at
 * start, used by the browser tests): admins must sign in with a second factor, and the demo must stay
 * usable with any authenticator app or `npm run demo:totp`.
 */
export const DEMO_ADMIN_TOTP_SECRET = 'ISOLATIONCAREDEMOADMINTOTPSECRET';

/** Demo-only credentials, printed at start and listed in the README. Never use them for real data. */
export const DEMO_ACCOUNTS = [
	{ username: 'admin', password: 'demo-admin-2026', role: 'admin', displayName: '指挥部 张主任', sites: [] },
	{
		username: 'staff',
		password: 'demo-staff-2026',
		role: 'site_staff',
		displayName: '王护士',
		sites: ['JZ-C01', 'JZ-C02']
	},
	{
		username: 'clinician',
		password: 'demo-clinician-2026',
		role: 'clinician',
		displayName: '李医生',
		sites: ['JZ-S01', 'JZ-S02']
	}
] as const;

const SITES = [
	{
		code: 'JZ-C01',
		kind: 'centralised',
		name: '焦作市丽景酒店集中隔离点',
		nameEn: 'Lijing Hotel Isolation Site',
		district: '解放区',
		address: '焦作市解放区塔南路 1688 号',
		phone: '0391-3561201',
		floors: [2, 3, 4, 5],
		roomsPerFloor: 10
	},
	{
		code: 'JZ-C02',
		kind: 'centralised',
		name: '山阳区会展宾馆集中隔离点',
		nameEn: 'Shanyang Convention Hotel Isolation Site',
		district: '山阳区',
		address: '焦作市山阳区迎宾路 88 号',
		phone: '0391-2923300',
		floors: [3, 4, 5],
		roomsPerFloor: 8
	},
	{
		code: 'JZ-S01',
		kind: 'community',
		name: '解放区焦北街道社区卫生服务中心',
		nameEn: 'Jiaobei Community Health Centre',
		district: '解放区',
		address: '焦作市解放区民主北路 256 号',
		phone: '0391-3938120',
		floors: [],
		roomsPerFloor: 0
	},
	{
		code: 'JZ-S02',
		kind: 'community',
		name: '山阳区艺新社区卫生服务中心',
		nameEn: 'Yixin Community Health Centre',
		district: '山阳区',
		address: '焦作市山阳区艺新路 35 号',
		phone: '0391-2566031',
		floors: [],
		roomsPerFloor: 0
	}
] as const;

type Outcome = 'active' | 'released' | 'transferred_hospital' | 'absconded' | 'moved_away';

interface Scenario {
	count: number;
	plan: string;
	/** For centralised phases: which site admits. Home-only plans admit to the home community. */
	site: 'JZ-C01' | 'JZ-C02' | null;
	/** How long ago admitted, in hours (a range). */
	agoHours: [number, number];
	outcome: Outcome;
	category: (typeof t.categoryEnum.enumValues)[number];
}

const H = 24;
const SCENARIOS: Scenario[] = [
	// Centralised phase now, at the first site (40 rooms).
	{
		count: 16,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [2, 6.5 * H],
		outcome: 'active',
		category: 'close_contact'
	},
	{
		count: 6,
		plan: 'ed8-14+7',
		site: 'JZ-C01',
		agoHours: [1 * H, 13 * H],
		outcome: 'active',
		category: 'inbound'
	},
	{
		count: 4,
		plan: 'nov2022-5+3',
		site: 'JZ-C01',
		agoHours: [3, 4.5 * H],
		outcome: 'active',
		category: 'close_contact'
	},
	// Centralised phase now, at the second site.
	{
		count: 12,
		plan: 'ed9-7+3',
		site: 'JZ-C02',
		agoHours: [4, 6.8 * H],
		outcome: 'active',
		category: 'high_risk_area'
	},
	{
		count: 2,
		plan: '2020-14',
		site: 'JZ-C02',
		agoHours: [2 * H, 12 * H],
		outcome: 'active',
		category: 'close_contact'
	},
	// Home isolation from the start.
	{
		count: 12,
		plan: 'ed9-home-7',
		site: null,
		agoHours: [3, 6.5 * H],
		outcome: 'active',
		category: 'secondary_contact'
	},
	// Home health monitoring after a centralised phase.
	{
		count: 6,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [7.6 * H, 9.6 * H],
		outcome: 'active',
		category: 'close_contact'
	},
	// Handed over to their community this morning: their rooms await terminal disinfection.
	{
		count: 2,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [7 * H + 2, 7 * H + 8],
		outcome: 'active',
		category: 'inbound'
	},
	// Released in the past weeks, two of them this morning from a room now awaiting disinfection.
	{
		count: 12,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [10.5 * H, 20 * H],
		outcome: 'released',
		category: 'close_contact'
	},
	{
		count: 2,
		plan: '2020-14',
		site: 'JZ-C02',
		agoHours: [14 * H + 4, 14 * H + 10],
		outcome: 'released',
		category: 'close_contact'
	},
	{
		count: 3,
		plan: 'ed9-home-7',
		site: null,
		agoHours: [7.5 * H, 15 * H],
		outcome: 'released',
		category: 'secondary_contact'
	},
	// Other outcomes.
	{
		count: 1,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [3 * H, 4 * H],
		outcome: 'transferred_hospital',
		category: 'close_contact'
	},
	{
		count: 1,
		plan: 'ed9-home-7',
		site: null,
		agoHours: [3 * H, 4 * H],
		outcome: 'absconded',
		category: 'secondary_contact'
	},
	{
		count: 1,
		plan: 'ed9-7+3',
		site: 'JZ-C01',
		agoHours: [8 * H, 9 * H],
		outcome: 'moved_away',
		category: 'inbound'
	}
];

/** Readings that tell a story on the demo: who has a fever, who is hypoxic. Index = resident number. */
const ABNORMAL: Record<
	number,
	{ lastTemps?: number[]; spo2?: number; pulse?: number; respRate?: number; symptoms?: string[] }
> = {
	2: { lastTemps: [37.0, 37.6, 38.2], symptoms: ['fatigue', 'sore_throat'] },
	9: { lastTemps: [37.4, 38.6, 39.2], symptoms: ['fever', 'dry_cough', 'muscle_ache'] },
	17: { spo2: 92, pulse: 104, respRate: 22, symptoms: ['shortness_of_breath'] },
	30: { lastTemps: [37.3] },
	44: { lastTemps: [37.8, 37.5], symptoms: ['dry_cough'] }
};

/** The demo device: a token for the device API, scoped to the demo's centralised sites. */
export interface DemoDevice {
	name: string;
	token: string;
	sites: string[];
}

export const DEMO_DEVICE = { name: '演示体温计 Demo thermometer', sites: ['JZ-C01', 'JZ-C02'] } as const;

export interface SeedSummary {
	residents: number;
	stays: number;
	readings: number;
	logins: DemoLogin[];
	device: DemoDevice;
}

export async function seedDemo(db: Db, now: Date = new Date()): Promise<SeedSummary> {
	// Hash before the transaction: argon2 is deliberately slow and PGlite runs one transaction at a time.
	const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
	return db.transaction(async (tx) => seedInto(tx, now, hashes));
}

async function seedInto(tx: Tx, now: Date, hashes: string[]): Promise<SeedSummary> {
	const rng = createRng(20_221_111);

	const planRows = await tx
		.insert(t.plans)
		.values(
			PLAN_PRESETS.map((p) => ({
				code: p.code,
				name: p.name,
				nameEn: p.nameEn,
				protocolEdition: p.protocolEdition,
				countsFrom: p.countsFrom,
				phases: p.phases.map((ph) => ({ ...ph, testDays: [...ph.testDays] }))
			}))
		)
		.returning();
	const planByCode = new Map(planRows.map((p) => [p.code, p]));

	const siteRows = await tx
		.insert(t.sites)
		.values(
			SITES.map((s) => ({
				code: s.code,
				kind: s.kind,
				name: s.name,
				nameEn: s.nameEn,
				district: s.district,
				address: s.address,
				phone: s.phone,
				timeZone: DEMO_TIME_ZONE
			}))
		)
		.returning();
	const siteByCode = new Map(siteRows.map((s) => [s.code, s]));
	const communities = siteRows.filter((s) => s.kind === 'community');

	// Rooms: building A, floors as listed, numbered floor + two digits; every fifth room is a family room.
	const roomValues: (typeof t.rooms.$inferInsert)[] = [];
	for (const s of SITES) {
		for (const floor of s.floors) {
			for (let n = 1; n <= s.roomsPerFloor; n++) {
				roomValues.push({
					siteId: siteByCode.get(s.code)!.id,
					building: 'A',
					floor,
					number: `${floor}${String(n).padStart(2, '0')}`,
					capacity: n % 5 === 0 ? 2 : 1,
					walkOrder: n,
					// The rooms were there before the demo's first admission (past daily reports count their beds).
					createdAt: new Date(now.getTime() - 60 * 86_400_000)
				});
			}
		}
	}
	const roomRows = await tx.insert(t.rooms).values(roomValues).returning();
	const freeRooms = new Map<string, typeof roomRows>();
	for (const r of roomRows) {
		const list = freeRooms.get(r.siteId) ?? [];
		list.push(r);
		freeRooms.set(r.siteId, list);
	}
	// One room is out of service (a broken heater), so the board shows every status.
	const broken = freeRooms.get(siteByCode.get('JZ-C01')!.id)!.splice(7, 1)[0]!;
	const roomStatus = new Map<string, (typeof t.roomStatusEnum.enumValues)[number]>([
		[broken.id, 'out_of_service']
	]);

	const userRows = await tx
		.insert(t.users)
		.values(
			DEMO_ACCOUNTS.map((a, i) => ({
				username: a.username,
				displayName: a.displayName,
				role: a.role,
				passwordHash: hashes[i]!
			}))
		)
		.returning();
	const userByName = new Map(userRows.map((u) => [u.username!, u]));
	await setPublicTotpKey(tx, userByName.get('admin')!.id, decodeBase32(DEMO_ADMIN_TOTP_SECRET), now);
	const assignments = DEMO_ACCOUNTS.flatMap((a) =>
		a.sites.map((code) => ({ userId: userByName.get(a.username)!.id, siteId: siteByCode.get(code)!.id }))
	);
	await tx.insert(t.userSites).values(assignments);
	const staff = userByName.get('staff')!;
	const clinician = userByName.get('clinician')!;

	const taken = new Set<string>();
	const readingValues: (typeof t.readings.$inferInsert)[] = [];
	const activeStays = new Set<string>();
	const eventValues: (typeof t.stayEvents.$inferInsert)[] = [];
	const testValues: (typeof t.tests.$inferInsert)[] = [];
	let residentNo = 0;
	/** Active stays at home now: the ones the demo calls. */
	const homeStays: { stayId: string; residentNo: number; admittedAt: Date }[] = [];
	let demoResident: { id: string; phone: string; stayId: string } | null = null;

	for (const sc of SCENARIOS) {
		const plan = planByCode.get(sc.plan);
		if (!plan) throw new Error(`Demo plan ${sc.plan} is not a preset`);
		for (let i = 0; i < sc.count; i++, residentNo++) {
			const person = fakePerson(rng, taken, now.getUTCFullYear());
			const community = rng.pick(communities);
			const age = now.getUTCFullYear() - Number(person.birthDate.slice(0, 4));
			const [resident] = await tx
				.insert(t.residents)
				.values({
					name: person.name,
					idType: 'resident_id',
					idNumber: person.idNumber,
					idLast4: person.idNumber.slice(-4),
					sex: person.sex,
					birthDate: person.birthDate,
					phone: person.phone,
					phoneLast4: person.phone.slice(-4),
					emergencyContactName: person.emergencyContactName,
					emergencyContactPhone: person.emergencyContactPhone,
					homeAddress: person.homeAddress,
					homeCommunityId: community.id,
					pregnant: person.sex === 'female' && age >= 22 && age <= 40 && rng.chance(0.12),
					chronicDisease: age >= 50 && rng.chance(0.35),
					immunosuppressed: rng.chance(0.03),
					allergies: rng.chance(0.15) ? rng.pick(['青霉素', '磺胺类', '阿司匹林', '海鲜']) : null,
					regularMedicines:
						age >= 55 && rng.chance(0.4)
							? rng.pick(['氨氯地平 5mg 每日一次', '二甲双胍 0.5g 每日两次', '阿托伐他汀 20mg 每晚一次'])
							: null,
					hasOximeter: rng.chance(0.3)
				})
				.returning({ id: t.residents.id });

			const admittedAt = new Date(now.getTime() - hoursBetween(rng, sc.agoHours) * 3600_000);
			const exposureDate = DateTime.fromJSDate(admittedAt, { zone: DEMO_TIME_ZONE })
				.minus({ days: rng.int(1, 2) })
				.toISODate()!;
			const start = periodStart(admittedAt, plan.countsFrom, exposureDate, DEMO_TIME_ZONE);
			const sched = schedule(start, plan.phases);
			const outcomeAt = outcomeInstant(rng, sc.outcome, sched.releaseAt, admittedAt, now);
			const endAt = outcomeAt ?? now;
			const pos = position(sched, endAt);
			const phaseIndex = sc.outcome === 'released' ? plan.phases.length - 1 : pos.phaseIndex;
			const firstMode = plan.phases[0]!.mode;
			const nowMode = plan.phases[phaseIndex]!.mode;
			const admittingSite = firstMode === 'centralised' ? siteByCode.get(sc.site!)! : community;

			// A centralised resident takes a room while in the centralised phase; keep it only if still there.
			let roomId: string | null = null;
			let heldRoom: (typeof roomRows)[number] | null = null;
			if (firstMode === 'centralised') {
				const pool = freeRooms.get(admittingSite.id)!;
				const stillThere = nowMode === 'centralised' && sc.outcome === 'active';
				const leftAt = stillThere ? null : nowMode !== 'centralised' ? sched.phases[0]!.end : endAt;
				const leftRecently = leftAt !== null && now.getTime() - leftAt.getTime() < 12 * 3600_000;
				if (stillThere || leftRecently) {
					// The room is still taken: by the resident, or awaiting terminal disinfection.
					heldRoom = pool.shift() ?? null;
					if (!heldRoom) throw new Error('Demo site has too few rooms');
					roomStatus.set(heldRoom.id, stillThere ? 'occupied' : 'needs_disinfection');
					if (stillThere) roomId = heldRoom.id;
				} else {
					// Left long ago: the room was cleaned and has been free since.
					heldRoom = rng.pick(pool);
				}
			}
			const currentSite = nowMode === 'centralised' && sc.outcome === 'active' ? admittingSite : community;
			const stayId = rng.uuid();
			if (!outcomeAt) activeStays.add(stayId);
			if (!outcomeAt && nowMode !== 'centralised') homeStays.push({ stayId, residentNo, admittedAt });
			if (residentNo === 0) demoResident = { id: resident!.id, phone: person.phone, stayId };
			await tx.insert(t.stays).values({
				id: stayId,
				residentId: resident!.id,
				siteId: sc.outcome === 'transferred_hospital' ? admittingSite.id : currentSite.id,
				roomId,
				homeCommunityId: community.id,
				homeAddress: nowMode === 'centralised' ? null : person.homeAddress,
				planId: plan.id,
				planPhases: plan.phases,
				planCountsFrom: plan.countsFrom,
				category: sc.category,
				exposureDate,
				sourceCaseRef: rng.chance(0.7) ? `JZ-2022-${String(rng.int(1, 60)).padStart(3, '0')}` : null,
				admittedAt,
				periodStart: start,
				phaseIndex,
				releaseDueAt: sched.releaseAt,
				status: sc.outcome,
				outcomeAt,
				outcomeBy: outcomeAt ? (nowMode === 'centralised' ? staff.id : clinician.id) : null,
				outcomeReason: outcomeReason(sc.outcome),
				outcomeDetail: sc.outcome === 'transferred_hospital' ? { hospital: '焦作市第五人民医院' } : null,
				admittedBy: firstMode === 'centralised' ? staff.id : clinician.id,
				idempotencyKey: `demo-admission-${residentNo}`
			});

			eventValues.push({
				stayId,
				kind: 'admitted',
				occurredAt: admittedAt,
				// The demo's past as if it had been entered as it happened (daily reports read recorded_at).
				recordedAt: admittedAt,
				siteId: admittingSite.id,
				actorId: firstMode === 'centralised' ? staff.id : clinician.id,
				data: { plan: plan.code, roomId: heldRoom?.id ?? null }
			});
			for (const ph of sched.phases.slice(1)) {
				if (ph.start > endAt) break;
				const prev = plan.phases[ph.index - 1]!.mode;
				eventValues.push({
					stayId,
					kind: prev === 'centralised' && ph.mode !== 'centralised' ? 'handed_over' : 'phase_changed',
					occurredAt: ph.start,
					recordedAt: ph.start,
					siteId: community.id,
					actorId: staff.id,
					data: {
						fromPhase: ph.index - 1,
						toPhase: ph.index,
						fromSiteId: admittingSite.id,
						toSiteId: community.id
					}
				});
			}
			if (outcomeAt) {
				eventValues.push({
					stayId,
					kind: sc.outcome === 'released' ? 'released' : 'outcome',
					occurredAt: outcomeAt,
					recordedAt: outcomeAt,
					siteId: sc.outcome === 'transferred_hospital' ? admittingSite.id : community.id,
					actorId: nowMode === 'centralised' ? staff.id : clinician.id,
					data: { outcome: sc.outcome }
				});
			}

			// Each test day already begun was sampled two hours in; its result came six hours later.
			for (const w of testWindows(sched, plan.phases)) {
				const sampledAt = new Date(w.from.getTime() + 2 * HOUR_MS);
				if (sampledAt > endAt) break;
				const resultAt = new Date(sampledAt.getTime() + 6 * HOUR_MS);
				const resulted = resultAt <= endAt;
				testValues.push({
					stayId,
					phaseIndex: w.phaseIndex,
					phaseDay: w.day,
					dueFrom: w.from,
					dueUntil: w.until,
					sampledAt,
					sampledBy: nowMode === 'centralised' ? staff.id : clinician.id,
					result: resulted ? 'negative' : null,
					resultAt: resulted ? resultAt : null,
					idempotencyKey: `demo-test-${residentNo}-${w.phaseIndex}-${w.day}`
				});
			}

			readingValues.push(
				...demoReadings(rng, {
					stayId,
					residentNo,
					admittedAt,
					endAt,
					now,
					modeAt: (at) => plan.phases[position(sched, at).phaseIndex]!.mode,
					staffId: staff.id,
					clinicianId: clinician.id,
					// One home isolator has not been reached this morning: the demo shows a missed slot.
					skipToday: residentNo === MISSED_SLOT_RESIDENT
				})
			);
		}
	}

	for (const [roomId, status] of roomStatus) {
		await tx.update(t.rooms).set({ status }).where(eq(t.rooms.id, roomId));
	}
	const { calls, readings: kept } = demoCalls(readingValues, homeStays, now);
	// Ordinary readings go in directly; the abnormal ones of current stays take the path every reading
	// takes, so the demo opens with the alerts they raise. Calls take the follow-up path (which records
	// a reached call's values as a phone reading), in time order with those readings.
	const [viaEngine, direct] = partition(kept, (r) => activeStays.has(r.stayId) && abnormalReading(r));
	for (let i = 0; i < direct.length; i += 500) {
		await tx.insert(t.readings).values(direct.slice(i, i + 500));
	}
	const steps = [
		...viaEngine.map((r) => ({ at: r.takenAt, reading: r, call: null })),
		...calls.map((c) => ({ at: c.at, reading: null, call: c }))
	].sort((a, b) => a.at.getTime() - b.at.getTime());
	const clinicianPrincipal = {
		userId: clinician.id,
		role: 'clinician' as const,
		siteIds: communities.map((c) => c.id),
		residentId: null,
		readOnly: false
	};
	for (const step of steps) {
		if (step.call) {
			const result = await recordCallInTx(tx, clinicianPrincipal, step.call.input, null, step.at);
			if (!result.ok) throw new Error(`demo call refused: ${result.error}`);
			continue;
		}
		const r = step.reading!;
		const recorder = r.recordedBy
			? { userId: r.recordedBy, role: 'site_staff' as const, siteIds: [], residentId: null, readOnly: false }
			: null;
		const result = await recordReadingInTx(
			tx,
			recorder,
			{
				stayId: r.stayId,
				takenAt: r.takenAt.toISOString(),
				source: r.source,
				temperature: r.temperature ?? null,
				spo2: r.spo2 ?? null,
				pulse: r.pulse ?? null,
				respRate: r.respRate ?? null,
				onOxygen: false,
				symptoms: (r.symptoms ?? []) as Symptom[],
				idempotencyKey: r.idempotencyKey
			},
			null,
			r.takenAt
		);
		if (!result.ok) throw new Error(`demo reading refused: ${result.error}`);
	}
	await tx.insert(t.stayEvents).values(eventValues);
	for (let i = 0; i < testValues.length; i += 500)
		await tx.insert(t.tests).values(testValues.slice(i, i + 500));

	await tx
		.insert(t.users)
		.values({ role: 'resident', displayName: '隔离人员', residentId: demoResident!.id });
	await seedDemoDeliveries(tx, now, {
		staffId: staff.id,
		clinicianId: clinician.id,
		demoStayId: demoResident!.stayId
	});
	// The demo resident's sign-in code is printed at every start, so it is kept (demo data only).
	const demoCode = String(rng.int(10_000_000, 99_999_999));
	await issueAccessCode(tx, demoResident!.stayId, staff.id, now, demoCode);

	// Like the resident's code, the demo device's token is kept so it can be printed at every start.
	const device: DemoDevice = {
		name: DEMO_DEVICE.name,
		sites: [...DEMO_DEVICE.sites],
		token: await seedDeviceToken(
			tx,
			DEMO_DEVICE.name,
			DEMO_DEVICE.sites.map((code) => siteByCode.get(code)!.id)
		)
	};

	await tx.insert(t.appMeta).values([
		{ key: 'demo_seed', value: { at: now.toISOString(), version: 1 } },
		{ key: 'demo_resident', value: { phone: demoResident!.phone, code: demoCode } },
		{ key: 'demo_device', value: device }
	]);

	return {
		residents: residentNo,
		stays: residentNo,
		readings: readingValues.length,
		logins: [
			...DEMO_ACCOUNTS.map((a) => ({
				role: a.role,
				username: a.username,
				password: a.password,
				...(a.role === 'admin' ? { totpSecret: DEMO_ADMIN_TOTP_SECRET } : {}),
				note: a.sites.length ? a.sites.join(', ') : 'all sites'
			})),
			{ role: 'resident' as const, phone: demoResident!.phone, code: demoCode, note: 'JZ-C01' }
		],
		device
	};
}

function hoursBetween(rng: Rng, [lo, hi]: [number, number]) {
	return lo + rng.next() * (hi - lo);
}

function outcomeInstant(
	rng: Rng,
	outcome: Outcome,
	releaseAt: Date,
	admittedAt: Date,
	now: Date
): Date | null {
	if (outcome === 'active') return null;
	if (outcome === 'released') {
		// Released a little after the plan's end, during the day shift.
		const at = new Date(releaseAt.getTime() + rng.int(1, 5) * 3600_000);
		return at < now ? at : new Date(now.getTime() - 3600_000);
	}
	// Other outcomes happen part-way through the stay.
	const span = Math.min(now.getTime(), releaseAt.getTime()) - admittedAt.getTime();
	return new Date(admittedAt.getTime() + span * (0.4 + rng.next() * 0.4));
}

function outcomeReason(outcome: Outcome): string | null {
	switch (outcome) {
		case 'transferred_hospital':
			return '持续高热，转定点医院';
		case 'absconded':
			return '擅自离开居家隔离地址，已通报辖区派出所';
		case 'moved_away':
			return '经批准转回外市居住地继续健康监测';
		default:
			return null;
	}
}

interface ReadingPlan {
	stayId: string;
	residentNo: number;
	admittedAt: Date;
	endAt: Date;
	now: Date;
	modeAt: (at: Date) => PlanPhase['mode'];
	staffId: string;
	clinicianId: string;
	skipToday: boolean;
}

/** Twice-daily readings over the last seven days of a stay (or up to its outcome). */
function demoReadings(rng: Rng, p: ReadingPlan): (typeof t.readings.$inferInsert)[] {
	const out: (typeof t.readings.$inferInsert)[] = [];
	const today = DateTime.fromJSDate(p.now, { zone: DEMO_TIME_ZONE }).startOf('day');
	const abnormal = ABNORMAL[p.residentNo];
	const baseTemp = 36.3 + rng.next() * 0.4;
	const times: Date[] = [];
	for (let d = 7; d >= 0; d--) {
		const day = today.minus({ days: d });
		for (const [hour, spread] of [
			[7, 120],
			[18, 150]
		] as const) {
			const at = day
				.set({ hour, minute: 0 })
				.plus({ minutes: rng.int(0, spread) })
				.toJSDate();
			if (at <= p.admittedAt || at > p.endAt || at > p.now) continue;
			if (p.skipToday && d === 0) continue;
			// About one slot in fifty is missed, as on a real ward.
			if (rng.chance(0.02) && d > 0) continue;
			times.push(at);
		}
	}
	times.forEach((at, i) => {
		const fromEnd = times.length - 1 - i;
		const mode = p.modeAt(at);
		const { slot, slotDate } = slotOf(at, DEMO_TIME_ZONE);
		const source =
			mode === 'centralised' ? 'staff_round' : rng.chance(0.6) ? 'self_report' : ('phone' as const);
		let temperature = Math.round(rng.normal(baseTemp, 0.18) * 10) / 10;
		let spo2: number | null = rng.chance(mode === 'centralised' ? 0.7 : 0.25) ? rng.int(96, 99) : null;
		let pulse: number | null = spo2 !== null && rng.chance(0.6) ? rng.int(62, 92) : null;
		let respRate: number | null = null;
		let symptoms: string[] = [];
		const temps = abnormal?.lastTemps;
		if (temps && fromEnd < temps.length) {
			temperature = temps[temps.length - 1 - fromEnd]!;
			symptoms = fromEnd === 0 ? [...(abnormal.symptoms ?? [])] : [];
		}
		if (abnormal?.spo2 && fromEnd === 0) {
			spo2 = abnormal.spo2;
			pulse = abnormal.pulse ?? pulse;
			respRate = abnormal.respRate ?? null;
			symptoms = [...(abnormal.symptoms ?? [])];
		}
		out.push({
			stayId: p.stayId,
			takenAt: at,
			slot,
			slotDate,
			source,
			recordedBy: source === 'staff_round' ? p.staffId : source === 'phone' ? p.clinicianId : null,
			temperature: Math.min(45, Math.max(30, temperature)),
			spo2,
			pulse,
			respRate,
			symptoms,
			idempotencyKey: `demo-reading-${p.stayId}-${i}`
		});
	});
	return out;
}

/** The home isolator with no reading today: the demo's missed slot. */
const MISSED_SLOT_RESIDENT = 40;

/** The unanswered stories are told over the last day and a half, across midnight. */
const CALL_HISTORY_HOURS = 36;

interface DemoCall {
	at: Date;
	input: CallInput;
}

/**
 * The demo's follow-up calls. The phone readings of residents at home now become reached calls (the
 * call records the reading), so their call history and their readings tell one story. On top, three stories, chosen among residents at home for a day and a
 * half or more, so every attempt falls inside their stay:
 * - the first does not answer three times in a row over midnight: an unreachable alert;
 * - the second's number turns out to be wrong this morning: the contact details are flagged;
 * - the home isolator with no reading today (the demo's missed slot) did not answer 40 minutes ago.
 * The unanswered ones have no phone readings in that time, since nobody reached them.
 */
function demoCalls(
	readings: (typeof t.readings.$inferInsert)[],
	homeStays: { stayId: string; residentNo: number; admittedAt: Date }[],
	now: Date
): { calls: DemoCall[]; readings: (typeof t.readings.$inferInsert)[] } {
	const since = now.getTime() - CALL_HISTORY_HOURS * 3600_000;
	const missed = homeStays.find((h) => h.residentNo === MISSED_SLOT_RESIDENT);
	const settled = homeStays.filter((h) => h !== missed && h.admittedAt.getTime() < since - 3600_000);
	const unreachable = settled[0]?.stayId;
	const wrongNumber = settled[1]?.stayId;
	const failed: [string | undefined, number, CallOutcome, string][] = [
		[unreachable, 26 * 60, 'no_answer', ''],
		[unreachable, 14 * 60, 'busy', ''],
		[unreachable, 2 * 60, 'no_answer', '连续三次未接通，已请社区网格员上门'],
		[wrongNumber, 3 * 60, 'wrong_number', '接听者称不认识此人'],
		[missed?.stayId, 40, 'no_answer', '']
	];
	const quiet = new Map<string, number>();
	for (const [stayId, minutesAgo] of failed)
		if (stayId) quiet.set(stayId, Math.max(quiet.get(stayId) ?? 0, minutesAgo));
	const calls: DemoCall[] = [];
	const kept: (typeof t.readings.$inferInsert)[] = [];
	for (const r of readings) {
		const silentFrom = quiet.get(r.stayId);
		if (
			silentFrom !== undefined &&
			r.source === 'phone' &&
			r.takenAt.getTime() >= now.getTime() - silentFrom * 60_000
		)
			continue;
		const home = homeStays.some((h) => h.stayId === r.stayId);
		if (!home || r.source !== 'phone') {
			kept.push(r);
			continue;
		}
		const symptoms = (r.symptoms ?? []) as Symptom[];
		calls.push({
			at: r.takenAt,
			input: callSchema.parse({
				stayId: r.stayId,
				outcome: 'reached',
				temperature: r.temperature ?? null,
				spo2: r.spo2 ?? null,
				symptoms,
				needs: { medicine: symptoms.length > 0, detail: symptoms.length ? '对症药品' : '' },
				idempotencyKey: `demo-call-${r.idempotencyKey}`
			})
		});
	}
	failed.forEach(([stayId, minutesAgo, outcome, note], i) => {
		if (!stayId) return;
		calls.push({
			at: new Date(now.getTime() - minutesAgo * 60_000),
			input: callSchema.parse({ stayId, outcome, note, idempotencyKey: `demo-call-failed-${i}` })
		});
	});
	return { calls, readings: kept };
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
	const yes: T[] = [];
	const no: T[] = [];
	for (const item of items) (test(item) ? yes : no).push(item);
	return [yes, no];
}

/** A reading that may raise an alert: worth sending through the alert engine. */
function abnormalReading(r: typeof t.readings.$inferInsert): boolean {
	return (
		(r.temperature ?? 0) >= 37.3 ||
		(r.spo2 != null && r.spo2 <= 94) ||
		(r.symptoms?.length ?? 0) > 0 ||
		(r.respRate != null && (r.respRate <= 8 || r.respRate >= 21))
	);
}
