/**
 * Before the browser tests: a fresh embedded database seeded with the demo (as on a first start), the
 * ids the tests need written to a fixture file, then the production build started on it. The browser
 * tests read the demo resident's phone and code from the fixture, as a person reads them off the console.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { idCheckChar } from '../../src/lib/domain/id-number';
import { DAY_MS, HOUR_MS, schedule, testWindows } from '../../src/lib/domain/plan';
import { localInstant, slotOf } from '../../src/lib/domain/slot';
import { issueAccessCode } from '../../src/lib/server/auth/access-codes';
import { hashPassword } from '../../src/lib/server/auth/password';
import type { Db } from '../../src/lib/server/db';
import { migrate, openDatabase } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import { seedDemo } from '../../src/lib/server/db/seed';
import { E2E, FIXTURE_PATH, setServerClock, type Fixture } from './env';

async function prepareDatabase(): Promise<Fixture> {
	rmSync(E2E.dataDir, { recursive: true, force: true });
	rmSync(`${E2E.dataDir}.lock`, { force: true });
	mkdirSync(E2E.dataDir, { recursive: true });
	const database = await openDatabase({ pgliteDir: E2E.dataDir });
	try {
		await migrate(database, './drizzle');
		const seeded = await seedDemo(database.db);
		const resident = seeded.logins.find((l) => l.role === 'resident')!;
		const db = database.db;
		const [demo] = await db.select().from(t.residents).where(eq(t.residents.phone, resident.phone!));
		const activeAt = async (code: string, notResident: string) => {
			const [row] = await db
				.select({ id: t.residents.id, name: t.residents.name, idNumber: t.residents.idNumber })
				.from(t.stays)
				.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
				.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
				.where(and(eq(t.sites.code, code), eq(t.stays.status, 'active'), ne(t.residents.id, notResident)))
				// The one with the most full readings (on SpO2 scale 1), so that the record's charts have
				// something in every series whatever the time of day the seed ran at.
				.orderBy(
					asc(t.residents.spo2Scale),
					desc(
						sql`(select count(*) from readings r where r.stay_id = ${t.stays.id} and r.spo2 is not null and r.pulse is not null)`
					),
					asc(t.stays.id)
				)
				.limit(1);
			return row!;
		};
		// A throwaway account for the admin actions the authorization matrix performs.
		const [target] = await db
			.insert(t.users)
			.values({
				username: 'matrix-target',
				displayName: '测试目标',
				role: 'site_staff',
				passwordHash: await hashPassword('matrix target passphrase')
			})
			.returning();
		const [c01] = await db.select().from(t.sites).where(eq(t.sites.code, 'JZ-C01'));
		await db.insert(t.userSites).values({ userId: target!.id, siteId: c01!.id });
		const centralResident = await activeAt('JZ-C01', demo!.id);
		const homeResident = await activeAt('JZ-S01', demo!.id);
		const activeStay = async (residentId: string) =>
			(
				await db
					.select({ id: t.stays.id })
					.from(t.stays)
					.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')))
			)[0]!.id;
		const [s01] = await db.select().from(t.sites).where(eq(t.sites.code, 'JZ-S01'));
		const leaving = await releaseFixtures(db, c01!.id, s01!.id);
		await followUpFixtures(db, s01!.id);
		return {
			...leaving,
			residentStayId: await activeStay(demo!.id),
			resident: { phone: resident.phone!, code: resident.code!, id: demo!.id, name: demo!.name },
			centralResident,
			homeResident,
			targetUserId: target!.id,
			centralStayId: await activeStay(centralResident.id),
			homeStayId: await activeStay(homeResident.id),
			siteC01Id: c01!.id,
			communityS01Id: s01!.id,
			deviceToken: seeded.device.token
		};
	} finally {
		await database.close();
	}
}

/** A made-up resident of the community with a valid ID number built from a birth date and a serial. */
async function insertPerson(
	db: Db,
	communityId: string,
	p: { birth: string; n: number; name: string; phone: string }
) {
	const first17 = `410802${p.birth}${String(p.n)}`;
	const idNumber = first17 + idCheckChar(first17);
	const [r] = await db
		.insert(t.residents)
		.values({
			name: p.name,
			idType: 'resident_id',
			idNumber,
			idLast4: idNumber.slice(-4),
			phone: p.phone,
			phoneLast4: p.phone.slice(-4),
			homeAddress: '焦作市解放区民主路 8 号',
			homeCommunityId: communityId,
			birthDate: `${p.birth.slice(0, 4)}-${p.birth.slice(4, 6)}-${p.birth.slice(6)}`
		})
		.returning();
	return r!;
}

/**
 * Two stays at JZ-C01 for the release journeys, on the 7+3 plan, timed from the real clock:
 * - one 10 days and 3 hours in (plan over, kept on site for its monitoring phase), every test negative
 *   but the last, which is sampled and waits for its result; two normal temperatures today;
 * - one 7 days and 2 hours in, still in its room with an open symptom alert: due for handover;
 * - one 2 days in, to be moved to another room or site.
 */
async function releaseFixtures(db: Db, siteId: string, communityId: string) {
	const now = Date.now();
	const [plan] = await db.select().from(t.plans).where(eq(t.plans.code, 'ed9-7+3'));
	const rooms = await db
		.select()
		.from(t.rooms)
		.where(and(eq(t.rooms.siteId, siteId), eq(t.rooms.status, 'available'), eq(t.rooms.occupants, 0)))
		.orderBy(asc(t.rooms.floor), asc(t.rooms.walkOrder))
		.limit(3);
	const person = (n: number, name: string, phone: string) =>
		insertPerson(db, communityId, { birth: '19850607', n: 900 + n, name, phone });
	const stayFor = async (residentId: string, roomId: string, hoursIn: number, phaseIndex: number) => {
		const start = new Date(now - hoursIn * HOUR_MS);
		const sched = schedule(start, plan!.phases);
		const [s] = await db
			.insert(t.stays)
			.values({
				residentId,
				siteId,
				roomId,
				homeCommunityId: communityId,
				planId: plan!.id,
				planPhases: plan!.phases,
				planCountsFrom: plan!.countsFrom,
				category: 'close_contact',
				admittedAt: start,
				periodStart: start,
				phaseIndex,
				releaseDueAt: sched.releaseAt,
				idempotencyKey: `e2e-release-${residentId}`
			})
			.returning();
		await db.update(t.rooms).set({ status: 'occupied' }).where(eq(t.rooms.id, roomId));
		await db.insert(t.stayEvents).values({
			stayId: s!.id,
			kind: 'admitted',
			occurredAt: start,
			siteId,
			data: { plan: plan!.code, roomId }
		});
		return { stay: s!, sched };
	};

	const ready = await person(1, '解除甲', '13900001111');
	const readyCode = '20261124';
	const { stay: readyStay, sched } = await stayFor(ready.id, rooms[0]!.id, 10 * 24 + 3, 1);
	await issueAccessCode(db, readyStay.id, null, new Date(now - 10 * DAY_MS), readyCode);
	const windows = testWindows(sched, plan!.phases);
	for (const [i, w] of windows.entries()) {
		const at = new Date(w.from.getTime() + 2 * HOUR_MS);
		const last = i === windows.length - 1;
		await db.insert(t.tests).values({
			stayId: readyStay.id,
			phaseIndex: w.phaseIndex,
			phaseDay: w.day,
			dueFrom: w.from,
			dueUntil: w.until,
			sampledAt: at,
			result: last ? null : 'negative',
			resultAt: last ? null : at,
			idempotencyKey: `e2e-test-${readyStay.id}-${i}`
		});
	}
	// A normal temperature at 10:30 and 20:30 local each day, so any 24 hours hold exactly two and the
	// scheduler's first look back finds no missed slot, whatever the time of day the tests run.
	const times = [-2, -1, 0].flatMap((offset) => {
		const date = DateTime.fromMillis(now, { zone: 'Asia/Shanghai' }).plus({ days: offset }).toISODate()!;
		return [10, 20].map((hour) => localInstant(date, hour, 30, 'Asia/Shanghai'));
	});
	for (const [i, takenAt] of times.filter((at) => at.getTime() <= now).entries()) {
		await db.insert(t.readings).values({
			stayId: readyStay.id,
			takenAt,
			...slotOf(takenAt, 'Asia/Shanghai'),
			source: 'staff_round',
			temperature: 36.5 + (i % 2) / 10,
			idempotencyKey: `e2e-reading-${readyStay.id}-${i}`
		});
	}

	const moving = await person(2, '交接乙', '13900002222');
	const { stay: movingStay } = await stayFor(moving.id, rooms[1]!.id, 7 * 24 + 2, 0);
	await db.insert(t.alerts).values({
		stayId: movingStay.id,
		kind: 'symptom',
		severity: 'warning',
		firstTriggeredAt: new Date(now - 3 * HOUR_MS),
		lastTriggeredAt: new Date(now - 3 * HOUR_MS),
		lastValue: { symptoms: ['dry_cough'] }
	});
	const mover = await person(3, '转房丙', '13900003333');
	await stayFor(mover.id, rooms[2]!.id, 2 * 24, 0);
	return {
		moveResident: { id: mover.id, name: mover.name, roomId: rooms[2]!.id },
		readyResident: {
			id: ready.id,
			name: ready.name,
			phone: ready.phone,
			code: readyCode,
			roomId: rooms[0]!.id
		},
		handoverResident: { id: moving.id, name: moving.name, roomId: rooms[1]!.id }
	};
}

/**
 * Six home isolators at JZ-S01, a day and a half into a 7-day home isolation, with no readings: whatever
 * the time of the run, the clinician's call list has people still owed a call (the demo's own home
 * isolators may all have reported in the current slot already).
 */
async function followUpFixtures(db: Db, communityId: string) {
	const now = Date.now();
	const [plan] = await db.select().from(t.plans).where(eq(t.plans.code, 'ed9-home-7'));
	const names = ['随访甲', '随访乙', '随访丙', '随访丁', '随访戊', '随访己'];
	for (const [n, name] of names.entries()) {
		const r = await insertPerson(db, communityId, {
			birth: '19900101',
			n: 910 + n,
			name,
			phone: `1370000${String(1000 + n)}`
		});
		const start = new Date(now - (36 + n) * HOUR_MS);
		const [s] = await db
			.insert(t.stays)
			.values({
				residentId: r.id,
				siteId: communityId,
				homeCommunityId: communityId,
				homeAddress: '焦作市解放区民主路 8 号',
				planId: plan!.id,
				planPhases: plan!.phases,
				planCountsFrom: plan!.countsFrom,
				category: 'secondary_contact',
				admittedAt: start,
				periodStart: start,
				phaseIndex: 0,
				releaseDueAt: schedule(start, plan!.phases).releaseAt,
				idempotencyKey: `e2e-follow-up-${n}`
			})
			.returning();
		await db.insert(t.stayEvents).values({
			stayId: s!.id,
			kind: 'admitted',
			occurredAt: start,
			siteId: communityId,
			data: { plan: plan!.code, roomId: null }
		});
	}
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`The server did not answer ${url} within ${timeoutMs / 1000} s`);
}

export default async function globalSetup() {
	const fixture = await prepareDatabase();
	writeFileSync(FIXTURE_PATH, JSON.stringify(fixture, null, 2));
	setServerClock(0);
	const server = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			PORT: String(E2E.port),
			HOST: '127.0.0.1',
			ORIGIN: E2E.origin,
			PGLITE_DIR: E2E.dataDir,
			DATABASE_URL: '',
			LOG_LEVEL: 'warn',
			// The follow-up pages' clock, which the retry journey steps forward (embedded database only).
			TEST_CLOCK_FILE: E2E.clockFile,
			NODE_ENV: 'production'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await waitForHealth(`${E2E.origin}/healthz`, server);
	return async () => {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
	};
}
