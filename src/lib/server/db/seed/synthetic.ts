/**
 * Synthetic residents for load and benchmark runs: `npm run seed -- --residents N [--seed S] [--days D]`.
 * The same seed gives the same rows, ids included. Six in ten residents go to centralised sites of 300
 * rooms, the rest to communities of up to 2,000 home isolators; each gets twice-daily readings.
 */
import { inArray, like } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { PLAN_PRESETS, periodStart, position, schedule } from '../../../domain/plan';
import { slotOf } from '../../../domain/slot';
import type { Db } from '../client';
import * as t from '../schema';
import { createRng, fakePerson } from './people';

export interface SyntheticOptions {
	residents: number;
	seed?: number;
	days?: number;
	now?: Date;
	timeZone?: string;
	/** Rows per INSERT statement. */
	batch?: number;
}

const ROOMS_PER_SITE = 300;
const PER_COMMUNITY = 2000;

export async function seedSynthetic(db: Db, options: SyntheticOptions) {
	const {
		residents: n,
		seed = 1,
		days = 7,
		now = new Date(),
		timeZone = 'Asia/Shanghai',
		batch = 1000
	} = options;
	if (!Number.isInteger(n) || n < 1) throw new RangeError('--residents must be a positive whole number');
	const rng = createRng(seed);
	const prefix = `SYN${seed}`;

	const existing = await db.select({ code: t.plans.code }).from(t.plans);
	const missing = PLAN_PRESETS.filter((p) => !existing.some((e) => e.code === p.code));
	if (missing.length) {
		await db.insert(t.plans).values(
			missing.map((p) => ({
				code: p.code,
				name: p.name,
				nameEn: p.nameEn,
				protocolEdition: p.protocolEdition,
				countsFrom: p.countsFrom,
				phases: p.phases.map((ph) => ({ ...ph, testDays: [...ph.testDays] }))
			}))
		);
	}
	const plans = await db
		.select()
		.from(t.plans)
		.where(inArray(t.plans.code, ['ed9-7+3', 'ed9-home-7']));
	const centralPlan = plans.find((p) => p.code === 'ed9-7+3')!;
	const homePlan = plans.find((p) => p.code === 'ed9-home-7')!;

	const already = await db
		.select({ id: t.sites.id })
		.from(t.sites)
		.where(like(t.sites.code, `${prefix}-%`));
	if (already.length) throw new Error(`Synthetic data for seed ${seed} is already in this database`);

	const centralCount = Math.round(n * 0.6);
	const homeCount = n - centralCount;
	const centralSites = Math.max(1, Math.ceil(centralCount / ROOMS_PER_SITE));
	const communitySites = Math.max(1, Math.ceil(homeCount / PER_COMMUNITY));

	const siteValues: (typeof t.sites.$inferInsert)[] = [];
	for (let i = 0; i < centralSites; i++)
		siteValues.push({
			id: rng.uuid(),
			code: `${prefix}-C${String(i + 1).padStart(3, '0')}`,
			kind: 'centralised',
			name: `模拟集中隔离点 ${i + 1}`,
			nameEn: `Synthetic site ${i + 1}`,
			phone: '0391-0000000',
			timeZone
		});
	for (let i = 0; i < communitySites; i++)
		siteValues.push({
			id: rng.uuid(),
			code: `${prefix}-S${String(i + 1).padStart(3, '0')}`,
			kind: 'community',
			name: `模拟社区 ${i + 1}`,
			nameEn: `Synthetic community ${i + 1}`,
			phone: '0391-0000000',
			timeZone
		});
	await db.insert(t.sites).values(siteValues);
	const centrals = siteValues.filter((s) => s.kind === 'centralised');
	const communities = siteValues.filter((s) => s.kind === 'community');

	const rooms: (typeof t.rooms.$inferInsert & { id: string })[] = [];
	for (const site of centrals) {
		for (let r = 0; r < ROOMS_PER_SITE; r++) {
			const floor = 2 + Math.floor(r / 25);
			rooms.push({
				id: rng.uuid(),
				siteId: site.id!,
				building: 'A',
				floor,
				number: `${floor}${String((r % 25) + 1).padStart(2, '0')}`,
				walkOrder: (r % 25) + 1,
				status: r < centralCount - centrals.indexOf(site) * ROOMS_PER_SITE ? 'occupied' : 'available'
			});
		}
	}
	for (let i = 0; i < rooms.length; i += batch) await db.insert(t.rooms).values(rooms.slice(i, i + batch));

	const taken = new Set((await db.select({ id: t.residents.idNumber }).from(t.residents)).map((r) => r.id));
	const residentRows: (typeof t.residents.$inferInsert)[] = [];
	const stayRows: (typeof t.stays.$inferInsert)[] = [];
	const eventRows: (typeof t.stayEvents.$inferInsert)[] = [];
	let readingCount = 0;
	let readingBuffer: (typeof t.readings.$inferInsert)[] = [];
	const flushReadings = async () => {
		if (readingBuffer.length) await db.insert(t.readings).values(readingBuffer);
		readingCount += readingBuffer.length;
		readingBuffer = [];
	};

	const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
	for (let i = 0; i < n; i++) {
		const person = fakePerson(rng, taken, now.getUTCFullYear());
		const central = i < centralCount;
		const community = communities[i % communities.length]!;
		const residentId = rng.uuid();
		residentRows.push({
			id: residentId,
			name: person.name,
			idType: 'resident_id',
			idNumber: person.idNumber,
			idLast4: person.idNumber.slice(-4),
			sex: person.sex,
			birthDate: person.birthDate,
			phone: person.phone,
			phoneLast4: person.phone.slice(-4),
			homeAddress: person.homeAddress,
			homeCommunityId: community.id!
		});
		const plan = central ? centralPlan : homePlan;
		// Admitted within the centralised phase (or the home plan), so every stay is active now.
		const admittedAt = new Date(now.getTime() - rng.next() * 6.5 * 24 * 3600_000);
		const start = periodStart(admittedAt, plan.countsFrom, null, timeZone);
		const sched = schedule(start, plan.phases);
		const site = central ? centrals[Math.floor(i / ROOMS_PER_SITE)]! : community;
		const stayId = rng.uuid();
		stayRows.push({
			id: stayId,
			residentId,
			siteId: site.id!,
			roomId: central ? rooms[i]!.id : null,
			homeCommunityId: community.id!,
			homeAddress: central ? null : person.homeAddress,
			planId: plan.id,
			planPhases: plan.phases,
			planCountsFrom: plan.countsFrom,
			category: 'close_contact',
			admittedAt,
			periodStart: start,
			phaseIndex: position(sched, now).phaseIndex,
			releaseDueAt: sched.releaseAt,
			idempotencyKey: `${prefix}-admission-${i}`
		});
		eventRows.push({
			stayId,
			kind: 'admitted',
			occurredAt: admittedAt,
			recordedAt: admittedAt,
			siteId: site.id!,
			data: { plan: plan.code }
		});
		for (let d = days; d >= 0; d--) {
			for (const hour of [8, 19]) {
				const at = today
					.minus({ days: d })
					.set({ hour, minute: rng.int(0, 59) })
					.toJSDate();
				if (at <= admittedAt || at > now) continue;
				const { slot, slotDate } = slotOf(at, timeZone);
				readingBuffer.push({
					stayId,
					takenAt: at,
					slot,
					slotDate,
					source: central ? 'staff_round' : 'self_report',
					temperature: Math.round(rng.normal(36.6, 0.25) * 10) / 10,
					spo2: rng.chance(0.5) ? rng.int(94, 99) : null,
					idempotencyKey: `${prefix}-reading-${i}-${d}-${hour}`
				});
			}
		}
		if (residentRows.length >= batch) {
			await db.insert(t.residents).values(residentRows.splice(0));
			await db.insert(t.stays).values(stayRows.splice(0));
			await db.insert(t.stayEvents).values(eventRows.splice(0));
		}
		if (readingBuffer.length >= batch) await flushReadings();
	}
	if (residentRows.length) {
		await db.insert(t.residents).values(residentRows);
		await db.insert(t.stays).values(stayRows);
		await db.insert(t.stayEvents).values(eventRows);
	}
	await flushReadings();
	return { sites: siteValues.length, rooms: rooms.length, residents: n, readings: readingCount };
}
