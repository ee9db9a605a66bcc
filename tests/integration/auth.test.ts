/**
 * Accounts and sessions: lifetimes, renewal, logout, sessions ended by password, role and status
 * changes, throttling (also across two server instances on PostgreSQL), access codes, and the audit.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { issueAccessCode, makeAccessCodeReadOnly } from '../../src/lib/server/auth/access-codes';
import { loginResident, loginStaff } from '../../src/lib/server/auth/login';
import { hashPassword } from '../../src/lib/server/auth/password';
import {
	DAY,
	HOUR,
	invalidateSession,
	sessionIdFromToken,
	validateSessionToken
} from '../../src/lib/server/auth/session';
import { openDatabase, migrate, type Database } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import * as residents from '../../src/lib/server/residents';
import * as users from '../../src/lib/server/users';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
const ip = '10.0.0.7';
const PASSWORD = 'ward seven kettle';

beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

async function staffUser(role: t.User['role'] = 'site_staff', siteIds: string[] = []) {
	const username = `u${Math.random().toString(36).slice(2, 10)}`;
	const [user] = await tdb.db
		.insert(t.users)
		.values({ username, displayName: '测试', role, passwordHash: await hashPassword(PASSWORD) })
		.returning();
	if (siteIds.length)
		await tdb.db.insert(t.userSites).values(siteIds.map((siteId) => ({ userId: user!.id, siteId })));
	return user!;
}

const principalOf = (u: t.User, siteIds: string[] = []): Principal => ({
	userId: u.id,
	role: u.role,
	siteIds,
	residentId: u.residentId,
	readOnly: false
});

async function login(username: string, password = PASSWORD, now = new Date(), from = ip) {
	return loginStaff(tdb.db, { username, password }, { ip: from }, now);
}

describe('staff sessions', () => {
	it('signs in with a new random session each time and stores only the token hash', async () => {
		const u = await staffUser();
		const a = await login(u.username!);
		const b = await login(u.username!);
		expect(a.ok && b.ok).toBe(true);
		if (!a.ok || !b.ok) return;
		expect(a.token).not.toBe(b.token);
		expect(a.token.length).toBeGreaterThanOrEqual(32); // 20 bytes in base32
		const rows = await tdb.db.select().from(t.sessions).where(eq(t.sessions.userId, u.id));
		expect(rows.map((r) => r.id).sort()).toEqual(
			[sessionIdFromToken(a.token), sessionIdFromToken(b.token)].sort()
		);
		expect(rows.some((r) => r.id === a.token)).toBe(false);
	});

	it('ends after 12 hours idle', async () => {
		const u = await staffUser();
		const now = new Date('2026-11-24T00:00:00Z');
		const r = await login(u.username!, PASSWORD, now);
		if (!r.ok) throw new Error('login failed');
		expect(
			await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 12 * HOUR - 1000))
		).not.toBeNull();
		// Used at 11:59:59, so idle time restarts there.
		expect(await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 23 * HOUR))).not.toBeNull();
		expect(
			await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 35 * HOUR + 1000))
		).toBeNull();
		// And it is gone from the database, not just refused.
		expect(
			await tdb.db
				.select()
				.from(t.sessions)
				.where(eq(t.sessions.id, sessionIdFromToken(r.token)))
		).toHaveLength(0);
	});

	it('ends after 7 days however active', async () => {
		const u = await staffUser();
		const now = new Date('2026-11-24T00:00:00Z');
		const r = await login(u.username!, PASSWORD, now);
		if (!r.ok) throw new Error('login failed');
		for (let h = 10; h < 7 * 24; h += 10) {
			expect(await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + h * HOUR))).not.toBeNull();
		}
		expect(await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 7 * DAY))).toBeNull();
	});

	it('logout ends the session', async () => {
		const u = await staffUser();
		const r = await login(u.username!);
		if (!r.ok) throw new Error('login failed');
		await invalidateSession(tdb.db, sessionIdFromToken(r.token));
		expect(await validateSessionToken(tdb.db, r.token)).toBeNull();
	});

	it('refuses a made-up or malformed token', async () => {
		expect(await validateSessionToken(tdb.db, 'a'.repeat(32))).toBeNull();
		expect(await validateSessionToken(tdb.db, "'; drop table sessions; --")).toBeNull();
	});

	it('answers the same for an unknown user and a wrong password', async () => {
		const u = await staffUser();
		const wrong = await login(u.username!, 'not the password', new Date(), '10.9.9.1');
		const unknown = await login('nobody-here', PASSWORD, new Date(), '10.9.9.2');
		expect(wrong).toEqual({ ok: false, reason: 'invalid' });
		expect(unknown).toEqual({ ok: false, reason: 'invalid' });
	});

	it('lets nobody sign in to a deactivated account', async () => {
		const admin = await staffUser('admin');
		const u = await staffUser();
		await users.setActive(principalOf(admin), u.id, false, ip);
		expect(await login(u.username!, PASSWORD, new Date(), '10.9.9.3')).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});
});

describe('changes that end sessions', () => {
	it('a password change ends every other session of the user, not the current one', async () => {
		const u = await staffUser();
		const here = await login(u.username!);
		const there = await login(u.username!);
		if (!here.ok || !there.ok) throw new Error('login failed');
		const result = await users.changeOwnPassword(
			principalOf(u),
			sessionIdFromToken(here.token),
			{ current: PASSWORD, next: 'a brand new passphrase' },
			ip
		);
		expect(result.ok).toBe(true);
		expect(await validateSessionToken(tdb.db, here.token)).not.toBeNull();
		expect(await validateSessionToken(tdb.db, there.token)).toBeNull();
		expect((await login(u.username!, 'a brand new passphrase')).ok).toBe(true);
	});

	it('refuses a weak or wrong password change and changes nothing', async () => {
		const u = await staffUser();
		const r = await login(u.username!);
		if (!r.ok) throw new Error('login failed');
		const sid = sessionIdFromToken(r.token);
		expect(
			await users.changeOwnPassword(principalOf(u), sid, { current: 'wrong', next: 'a fine passphrase' }, ip)
		).toMatchObject({
			ok: false,
			error: 'wrong_password'
		});
		expect(
			await users.changeOwnPassword(principalOf(u), sid, { current: PASSWORD, next: '1234567890' }, ip)
		).toMatchObject({
			ok: false,
			error: 'password_common'
		});
		expect((await login(u.username!)).ok).toBe(true);
	});

	it('a role change and a deactivation end all sessions at once', async () => {
		const admin = await staffUser('admin');
		const g = await makeGround(tdb.db);
		const u = await staffUser('site_staff', [g.site.id]);
		const r1 = await login(u.username!);
		if (!r1.ok) throw new Error('login failed');
		const current = (await users.getUser(u.id))!;
		const changed = await users.updateUser(
			principalOf(admin),
			u.id,
			{
				displayName: current.displayName,
				role: 'clinician',
				siteIds: [g.community.id],
				version: current.version
			},
			ip
		);
		expect(changed.ok).toBe(true);
		expect(await validateSessionToken(tdb.db, r1.token)).toBeNull();

		const r2 = await login(u.username!);
		if (!r2.ok) throw new Error('login failed');
		await users.setActive(principalOf(admin), u.id, false, ip);
		expect(await validateSessionToken(tdb.db, r2.token)).toBeNull();
	});

	it('a stale edit is refused and changes nothing', async () => {
		const admin = await staffUser('admin');
		const g = await makeGround(tdb.db);
		const u = await staffUser('site_staff', [g.site.id]);
		const v = (await users.getUser(u.id))!.version;
		const first = await users.updateUser(
			principalOf(admin),
			u.id,
			{ displayName: 'A', role: 'site_staff', siteIds: [g.site.id], version: v },
			ip
		);
		const second = await users.updateUser(
			principalOf(admin),
			u.id,
			{ displayName: 'B', role: 'site_staff', siteIds: [g.site.id], version: v },
			ip
		);
		expect(first.ok).toBe(true);
		expect(second).toMatchObject({ ok: false, error: 'stale' });
		expect((await users.getUser(u.id))!.displayName).toBe('A');
	});

	it('a reset password forces a change and ends sessions', async () => {
		const admin = await staffUser('admin');
		const u = await staffUser();
		const r = await login(u.username!);
		if (!r.ok) throw new Error('login failed');
		const reset = await users.resetPassword(principalOf(admin), u.id, ip);
		if (!reset.ok) throw new Error('reset failed');
		expect(await validateSessionToken(tdb.db, r.token)).toBeNull();
		const again = await login(u.username!, reset.value);
		expect(again).toMatchObject({ ok: true, mustChangePassword: true });
	});
});

describe('throttling', () => {
	it('locks an account after 5 failures, even for the right password, for 15 minutes', async () => {
		const u = await staffUser();
		const now = new Date('2026-11-24T02:00:00Z');
		for (let i = 0; i < 5; i++) {
			expect(
				await login(u.username!, 'wrong', new Date(now.getTime() + i * 1000), `10.1.0.${i}`)
			).toMatchObject({ reason: 'invalid' });
		}
		const locked = await login(u.username!, PASSWORD, new Date(now.getTime() + 10_000), '10.1.1.1');
		expect(locked).toMatchObject({ ok: false, reason: 'throttled' });
		if (!locked.ok) expect(locked.retryAfterSec).toBeGreaterThan(14 * 60);
		expect((await login(u.username!, PASSWORD, new Date(now.getTime() + 16 * 60_000), '10.1.1.1')).ok).toBe(
			true
		);
	});

	it('locks a client address after 20 failures across accounts', async () => {
		const now = new Date('2026-11-24T03:00:00Z');
		for (let i = 0; i < 20; i++) await login(`ghost-${i}`, 'wrong', new Date(now.getTime() + i), '10.2.0.1');
		const u = await staffUser();
		expect(await login(u.username!, PASSWORD, new Date(now.getTime() + 100), '10.2.0.1')).toMatchObject({
			reason: 'throttled'
		});
		expect((await login(u.username!, PASSWORD, new Date(now.getTime() + 100), '10.2.0.2')).ok).toBe(true);
	});

	it.skipIf(engine !== 'postgres')(
		'holds across two server instances sharing the database (PostgreSQL)',
		async () => {
			// A second, independent connection pool stands for a second app server behind the load balancer.
			const other: Database = await openDatabase({ databaseUrl: tdb.url!, poolMax: 2 });
			await migrate(other, './drizzle');
			try {
				const u = await staffUser();
				const now = new Date('2026-11-24T04:00:00Z');
				const servers = [tdb.db, other.db];
				// Failures land alternately on the two servers, some at the same moment.
				await Promise.all(
					[0, 1, 2, 3, 4].map((i) =>
						loginStaff(
							servers[i % 2]!,
							{ username: u.username!, password: 'wrong' },
							{ ip: `10.3.0.${i}` },
							now
						)
					)
				);
				for (const server of servers) {
					const r = await loginStaff(
						server,
						{ username: u.username!, password: PASSWORD },
						{ ip: '10.3.1.1' },
						now
					);
					expect(r).toMatchObject({ ok: false, reason: 'throttled' });
				}
				const [row] = await other.db
					.select()
					.from(t.loginThrottle)
					.where(eq(t.loginThrottle.key, `user:${u.username}`));
				expect(row!.failures).toBe(5);
			} finally {
				await other.close();
			}
		}
	);
});

describe('resident access codes', () => {
	async function residentWithStay() {
		const g = await makeGround(tdb.db);
		const r = await makeResident(tdb.db, g.community.id);
		const s = await makeStay(tdb.db, {
			residentId: r.id,
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id
		});
		return { resident: r, stay: s };
	}

	it('signs a resident in with phone and code, whatever the spacing', async () => {
		const { resident, stay } = await residentWithStay();
		const { code } = await issueAccessCode(tdb.db, stay.id, null);
		expect(code).toMatch(/^\d{8}$/);
		const spaced = `${code.slice(0, 4)} ${code.slice(4)}`;
		const r = await loginResident(tdb.db, { phone: `+86 ${resident.phone}`, code: spaced }, { ip });
		expect(r).toMatchObject({ ok: true, role: 'resident' });
		if (!r.ok) return;
		const v = await validateSessionToken(tdb.db, r.token);
		expect(v?.user.residentId).toBe(resident.id);
		expect(v?.readOnly).toBe(false);
		expect(await loginResident(tdb.db, { phone: resident.phone, code: '00000000' }, { ip })).toMatchObject({
			reason: 'invalid'
		});
	});

	it('a reissued code voids the old one and the sessions made with it', async () => {
		const { resident, stay } = await residentWithStay();
		const first = await issueAccessCode(tdb.db, stay.id, null);
		const session = await loginResident(tdb.db, { phone: resident.phone, code: first.code }, { ip });
		if (!session.ok) throw new Error('login failed');
		const second = await issueAccessCode(
			tdb.db,
			stay.id,
			null,
			new Date(),
			first.code === '12345678' ? '87654321' : '12345678'
		);
		expect(await validateSessionToken(tdb.db, session.token)).toBeNull();
		expect(
			await loginResident(tdb.db, { phone: resident.phone, code: first.code }, { ip: '10.4.0.1' })
		).toMatchObject({ reason: 'invalid' });
		expect(
			(await loginResident(tdb.db, { phone: resident.phone, code: second.code }, { ip: '10.4.0.1' })).ok
		).toBe(true);
		const usable = await tdb.db.select().from(t.accessCodes).where(eq(t.accessCodes.stayId, stay.id));
		expect(usable.filter((c) => c.status !== 'void')).toHaveLength(1);
	});

	it('turns read-only at release and expires 30 days later', async () => {
		const { resident, stay } = await residentWithStay();
		const { code } = await issueAccessCode(tdb.db, stay.id, null);
		const released = new Date();
		const before = await loginResident(tdb.db, { phone: resident.phone, code }, { ip }, released);
		if (!before.ok) throw new Error('login failed');
		await makeAccessCodeReadOnly(tdb.db, stay.id, released);
		expect((await validateSessionToken(tdb.db, before.token, released))?.readOnly).toBe(true);
		const after = await loginResident(
			tdb.db,
			{ phone: resident.phone, code },
			{ ip },
			new Date(released.getTime() + 29 * DAY)
		);
		expect(after).toMatchObject({ ok: true });
		if (after.ok) expect(after.expiresAt.getTime()).toBeLessThanOrEqual(released.getTime() + 30 * DAY);
		expect(
			await validateSessionToken(tdb.db, before.token, new Date(released.getTime() + 30 * DAY + 1))
		).toBeNull();
		expect(
			await loginResident(
				tdb.db,
				{ phone: resident.phone, code },
				{ ip },
				new Date(released.getTime() + 31 * DAY)
			)
		).toMatchObject({ ok: false, reason: 'expired' });
	});

	it('keeps a resident signed in 30 days and renews when under 15 remain', async () => {
		const { resident, stay } = await residentWithStay();
		const { code } = await issueAccessCode(tdb.db, stay.id, null);
		const now = new Date('2026-11-24T00:00:00Z');
		const r = await loginResident(tdb.db, { phone: resident.phone, code }, { ip }, now);
		if (!r.ok) throw new Error('login failed');
		expect(r.expiresAt.getTime()).toBe(now.getTime() + 30 * DAY);
		const day10 = await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 10 * DAY));
		expect(day10?.fresh).toBe(false);
		const day16 = await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 16 * DAY));
		expect(day16?.fresh).toBe(true);
		expect(day16?.session.expiresAt.getTime()).toBe(now.getTime() + 46 * DAY);
		// Not idle-limited like staff: a week without use is fine.
		expect(await validateSessionToken(tdb.db, r.token, new Date(now.getTime() + 40 * DAY))).not.toBeNull();
	});
});

describe('audit trail', () => {
	it('records a write, a view and a reveal, with masked values only', async () => {
		const admin = await staffUser('admin');
		const g = await makeGround(tdb.db);
		const resident = await makeResident(tdb.db, g.community.id);
		await makeStay(tdb.db, {
			residentId: resident.id,
			siteId: g.community.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id
		});
		const clinician = await staffUser('clinician', [g.community.id]);
		const p = principalOf(clinician, [g.community.id]);

		const created = await users.createUser(
			principalOf(admin),
			{
				username: `n${Date.now()}`,
				displayName: '新用户',
				role: 'clinician',
				siteIds: [g.community.id],
				password: 'long enough passphrase',
				idempotencyKey: uniqueKey()
			},
			'10.5.0.1'
		);
		expect(created.ok).toBe(true);

		const record = await residents.viewResident(p, resident.id, '10.5.0.2');
		expect(record?.idNumberMasked).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
		expect(record?.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
		expect(JSON.stringify(record)).not.toContain(resident.idNumber);
		expect(JSON.stringify(record)).not.toContain(resident.phone);

		expect(await residents.revealField(p, resident.id, 'phone', 'contact_resident', '10.5.0.3')).toBe(
			resident.phone
		);

		const rows = await tdb.db.select().from(t.auditLog);
		const write = rows.find(
			(r) =>
				r.action === 'create' && r.entity === 'user' && r.entityId === (created.ok ? created.value.id : '')
		);
		expect(write).toMatchObject({ actorId: admin.id, actorRole: 'admin', ip: '10.5.0.1' });
		expect(write!.after).toMatchObject({ role: 'clinician', siteIds: [g.community.id] });
		const view = rows.find((r) => r.action === 'view' && r.residentId === resident.id);
		expect(view).toMatchObject({ actorId: clinician.id, ip: '10.5.0.2', entity: 'resident' });
		const reveal = rows.find((r) => r.action === 'reveal' && r.residentId === resident.id);
		expect(reveal).toMatchObject({ actorId: clinician.id, ip: '10.5.0.3' });
		// The purpose stated for the reveal is kept with it.
		expect(reveal!.after).toEqual({
			field: 'phone',
			purpose: 'contact_resident',
			phone: `${resident.phone.slice(0, 3)}****${resident.phone.slice(-4)}`
		});
		// No audit row anywhere holds a raw ID number, phone or password hash.
		const all = JSON.stringify(rows);
		expect(all).not.toContain(resident.idNumber);
		expect(all).not.toContain(resident.phone);
		expect(all).not.toContain('$argon2');
	});

	it('records a sign-in, and a replayed user creation makes one user', async () => {
		const admin = await staffUser('admin');
		const g = await makeGround(tdb.db);
		const key = uniqueKey();
		const input = {
			username: `k${Date.now()}`,
			displayName: '重复',
			role: 'site_staff' as const,
			siteIds: [g.site.id],
			password: 'long enough passphrase',
			idempotencyKey: key
		};
		const a = await users.createUser(principalOf(admin), input, ip);
		const b = await users.createUser(principalOf(admin), input, ip);
		expect(a.ok && b.ok).toBe(true);
		if (a.ok && b.ok) {
			expect(b.value).toEqual({ id: a.value.id, replayed: true });
		}
		const made = await tdb.db.select().from(t.users).where(eq(t.users.username, input.username));
		expect(made).toHaveLength(1);
		expect(made[0]!.mustChangePassword).toBe(true);
		const r = await login(input.username, input.password);
		expect(r).toMatchObject({ ok: true, mustChangePassword: true });
		const logins = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.actorId, made[0]!.id));
		expect(logins.map((l) => l.action)).toContain('login');
	});

	it('refuses a site of the wrong kind and a common first password, creating nothing', async () => {
		const admin = await staffUser('admin');
		const g = await makeGround(tdb.db);
		const base = {
			displayName: '错',
			role: 'clinician' as const,
			password: 'long enough passphrase',
			idempotencyKey: uniqueKey()
		};
		expect(
			await users.createUser(
				principalOf(admin),
				{ ...base, username: 'wrongkind1', siteIds: [g.site.id] },
				ip
			)
		).toMatchObject({
			ok: false,
			error: 'wrong_site_kind'
		});
		expect(
			await users.createUser(
				principalOf(admin),
				{
					...base,
					username: 'weakpass1',
					siteIds: [g.community.id],
					password: 'password123',
					idempotencyKey: uniqueKey()
				},
				ip
			)
		).toMatchObject({ ok: false, error: 'password_common' });
		const rows = await tdb.db.select().from(t.users).where(eq(t.users.displayName, '错'));
		expect(rows).toHaveLength(0);
	});
});
