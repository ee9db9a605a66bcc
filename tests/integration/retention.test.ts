/**
 * Retention: residents whose last stay ended more than RETENTION_DAYS ago lose what identifies them,
 * and the daily report and the dashboard read the same before and after.
 */
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { issueAccessCode } from '../../src/lib/server/auth/access-codes';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { dailyReport, dashboard } from '../../src/lib/server/dashboard';
import * as t from '../../src/lib/server/db/schema';
import { ANONYMISED_NAME, runRetention } from '../../src/lib/server/retention';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

const ZONE = 'Asia/Shanghai';
const L = (s: string) => DateTime.fromFormat(s, 'yyyy-MM-dd HH:mm', { zone: ZONE }).toJSDate();
const NOW = L('2026-05-20 03:00');
const DAYS = 30;

let tdb: TestDatabase;
let admin: Principal;
let ground: Awaited<ReturnType<typeof makeGround>>;
const people: Record<string, { resident: t.Resident; stay: t.Stay }> = {};

/** A stay with its history, a reading and a call with a note, as the report counts them. */
async function ended(
	label: string,
	admittedAt: Date,
	outcomeAt: Date | null,
	status: t.Stay['status'] = outcomeAt ? 'released' : 'active'
) {
	const db = tdb.db;
	const resident = await makeResident(db, ground.community.id, {
		emergencyContactName: '家属',
		emergencyContactPhone: '13900001111',
		allergies: '青霉素',
		birthDate: '1958-07-14'
	});
	const stay = await makeStay(
		db,
		{
			residentId: resident.id,
			siteId: ground.community.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		},
		{
			admittedAt,
			periodStart: admittedAt,
			releaseDueAt: new Date(admittedAt.getTime() + 10 * 86_400_000),
			status,
			outcomeAt,
			homeAddress: '焦作市解放区民主路 8 号 3 单元',
			sourceCaseRef: 'JZ-2026-0412'
		}
	);
	const site = ground.community.id;
	await db.insert(t.stayEvents).values({
		stayId: stay.id,
		kind: 'admitted',
		siteId: site,
		occurredAt: admittedAt,
		recordedAt: admittedAt
	});
	if (outcomeAt)
		await db.insert(t.stayEvents).values({
			stayId: stay.id,
			kind: status === 'released' ? 'released' : 'outcome',
			siteId: site,
			occurredAt: outcomeAt,
			recordedAt: outcomeAt,
			data: status === 'released' ? {} : { outcome: status }
		});
	const takenAt = new Date(admittedAt.getTime() + 3_600_000);
	const [reading] = await db
		.insert(t.readings)
		.values({
			stayId: stay.id,
			takenAt,
			slot: 'extra',
			slotDate: DateTime.fromJSDate(takenAt, { zone: ZONE }).toISODate()!,
			source: 'phone',
			temperature: 36.6,
			note: `${resident.name} 自述无不适`,
			idempotencyKey: uniqueKey('r')
		})
		.returning();
	await db.insert(t.calls).values({
		stayId: stay.id,
		attemptedAt: takenAt,
		slot: 'extra',
		slotDate: reading!.slotDate,
		outcome: 'reached',
		readingId: reading!.id,
		note: `联系了 ${resident.name} 的家属`,
		idempotencyKey: uniqueKey('c')
	});
	await db.insert(t.deliveries).values({
		stayId: stay.id,
		kind: 'supply',
		items: [{ name: '饮用水', strength: '', dose: '', frequency: '', quantity: 1, unit: '' }],
		note: `放在 ${resident.name} 门口`,
		status: 'received',
		requestedAt: takenAt,
		idempotencyKey: uniqueKey('d')
	});
	people[label] = { resident, stay };
	return { resident, stay };
}

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	admin = await makeStaff(tdb.db, 'admin');
	// Released 40 days ago: due.
	await ended('old', L('2026-03-31 10:00'), L('2026-04-10 15:00'));
	// Transferred to hospital 35 days ago: due too (any ended stay counts).
	await ended('hospital', L('2026-04-10 09:00'), L('2026-04-15 12:00'), 'transferred_hospital');
	// Released 10 days ago: may still sign in to print the notice; kept.
	await ended('recent', L('2026-04-30 09:00'), L('2026-05-10 11:00'));
	// An old ended stay, but isolating again now: kept.
	const back = await ended('back', L('2026-03-01 09:00'), L('2026-03-11 09:00'));
	const again = await makeStay(
		tdb.db,
		{
			residentId: back.resident.id,
			siteId: ground.community.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		},
		{ admittedAt: L('2026-05-18 09:00'), periodStart: L('2026-05-18 09:00') }
	);
	await tdb.db.insert(t.stayEvents).values({
		stayId: again.id,
		kind: 'admitted',
		siteId: ground.community.id,
		occurredAt: again.admittedAt,
		recordedAt: again.admittedAt
	});
});
afterAll(async () => {
	await tdb?.destroy();
});

describe('retention', () => {
	it('anonymises the residents whose last stay ended more than N days ago, and keeps the report figures', async () => {
		const old = people.old!;
		// The resident still has a sign-in code and an open session.
		const code = await issueAccessCode(tdb.db, old.stay.id, null, L('2026-03-31 10:00'));
		const [account] = await tdb.db
			.insert(t.users)
			.values({ role: 'resident', displayName: '隔离人员', residentId: old.resident.id })
			.returning();
		await createSession(
			tdb.db,
			generateSessionToken(),
			account!,
			{ accessCodeId: code.id },
			L('2026-05-01 10:00')
		);

		const dates = ['2026-03-31', '2026-04-10', '2026-04-15', '2026-05-10', '2026-05-19'];
		const before = await Promise.all(dates.map((d) => dailyReport(admin, d)));
		const liveBefore = await dashboard(admin, NOW);

		const result = await runRetention(tdb, DAYS, NOW);
		expect(result).toEqual({ ran: true, anonymised: 2 });

		// The figures did not move: a report for any day reads the same.
		expect(await Promise.all(dates.map((d) => dailyReport(admin, d)))).toEqual(before);
		expect(await dashboard(admin, NOW)).toEqual(liveBefore);
		// Sanity: the report does count these stays (otherwise the comparison would prove nothing).
		expect(before[1]!.total.releasedToday).toBe(1);

		for (const label of ['old', 'hospital']) {
			const p = people[label]!;
			const [r] = await tdb.db.select().from(t.residents).where(eq(t.residents.id, p.resident.id));
			expect(r).toMatchObject({
				name: ANONYMISED_NAME,
				idNumber: `anon-${p.resident.id}`,
				idLast4: '',
				phone: '',
				phoneLast4: '',
				emergencyContactName: null,
				emergencyContactPhone: null,
				homeAddress: '',
				allergies: null,
				birthDate: '1958-01-01',
				// What reports and research may count stays: sex, community, risk flags.
				sex: p.resident.sex,
				homeCommunityId: p.resident.homeCommunityId
			});
			expect(r!.anonymisedAt).toEqual(NOW);
			const [s] = await tdb.db.select().from(t.stays).where(eq(t.stays.id, p.stay.id));
			expect(s).toMatchObject({ homeAddress: null, sourceCaseRef: null, status: p.stay.status });
			const calls = await tdb.db.select().from(t.calls).where(eq(t.calls.stayId, p.stay.id));
			expect(calls.map((c) => [c.outcome, c.note])).toEqual([['reached', null]]);
			const readings = await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, p.stay.id));
			expect(readings.map((r) => [r.temperature, r.note])).toEqual([[36.6, null]]);
			const sent = await tdb.db.select().from(t.deliveries).where(eq(t.deliveries.stayId, p.stay.id));
			expect(sent.map((d) => [d.kind, d.status, d.note])).toEqual([['supply', 'received', null]]);
		}

		// Nothing of the old identity is left in their rows.
		const dump = JSON.stringify(
			await tdb.db.select().from(t.residents).where(eq(t.residents.id, old.resident.id))
		);
		for (const s of [old.resident.name, old.resident.idNumber, old.resident.phone, '民主路', '13900001111'])
			expect(dump).not.toContain(s);

		// Their code is void and the session ended.
		const [c] = await tdb.db.select().from(t.accessCodes).where(eq(t.accessCodes.id, code.id));
		expect(c!.status).toBe('void');
		expect(await tdb.db.select().from(t.sessions).where(eq(t.sessions.userId, account!.id))).toHaveLength(0);

		// Kept: released 10 days ago, and the one isolating again.
		for (const label of ['recent', 'back']) {
			const p = people[label]!;
			const [r] = await tdb.db.select().from(t.residents).where(eq(t.residents.id, p.resident.id));
			expect(r).toMatchObject({ name: p.resident.name, phone: p.resident.phone, anonymisedAt: null });
		}

		// Audited, one row per resident, by the system, with no personal values.
		const rows = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.action, 'anonymise'));
		expect(rows.map((r) => r.residentId).sort()).toEqual(
			[people.old!.resident.id, people.hospital!.resident.id].sort()
		);
		expect(rows[0]).toMatchObject({ actorId: null, entity: 'resident' });
		expect(JSON.stringify(rows)).not.toContain(old.resident.name);
	});

	it('does nothing the second time, and takes the next ones as their time comes', async () => {
		expect(await runRetention(tdb, DAYS, NOW)).toEqual({ ran: true, anonymised: 0 });
		// 21 days later the resident released on 10 May is due as well.
		expect(await runRetention(tdb, DAYS, L('2026-06-10 03:00'))).toEqual({ ran: true, anonymised: 1 });
		const [r] = await tdb.db.select().from(t.residents).where(eq(t.residents.id, people.recent!.resident.id));
		expect(r!.name).toBe(ANONYMISED_NAME);
	});

	it('takes the number of days as configured', async () => {
		// Isolating again since 18 May: still kept, however short the setting.
		expect(await runRetention(tdb, 1, L('2026-06-10 03:00'))).toEqual({ ran: true, anonymised: 0 });
	});

	it.runIf(engine === 'postgres')('runs once when two servers start it at the same moment', async () => {
		const r = await makeResident(tdb.db, ground.community.id);
		await makeStay(
			tdb.db,
			{
				residentId: r.id,
				siteId: ground.community.id,
				homeCommunityId: ground.community.id,
				planId: ground.plan.id
			},
			{
				admittedAt: L('2026-01-01 09:00'),
				periodStart: L('2026-01-01 09:00'),
				status: 'released',
				outcomeAt: L('2026-01-11 09:00')
			}
		);
		const [a, b] = await Promise.all([runRetention(tdb, DAYS, NOW), runRetention(tdb, DAYS, NOW)]);
		expect(a.anonymised + b.anonymised).toBe(1);
		const audits = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.residentId, r.id));
		expect(audits).toHaveLength(1);
	});
});
