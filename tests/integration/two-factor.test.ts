/**
 * The second sign-in factor (enrolment, verification, recovery codes, the admin setting) and the
 * residents' "who viewed my record" history read from the audit log.
 */
import { encodeHexLowerCase } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { loginStaff } from '../../src/lib/server/auth/login';
import { hashPassword } from '../../src/lib/server/auth/password';
import { PENDING_MS, sessionIdFromToken, validateSessionToken } from '../../src/lib/server/auth/session';
import * as twoFactor from '../../src/lib/server/auth/two-factor';
import * as t from '../../src/lib/server/db/schema';
import { portalViews } from '../../src/lib/server/portal';
import * as residents from '../../src/lib/server/residents';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay } from './helpers/factories';

let tdb: TestDatabase;
const PASSWORD = 'ward seven kettle';
const ip = '10.0.0.8';

beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

async function staffUser(role: t.User['role'], siteIds: string[] = []) {
	const username = `u${Math.random().toString(36).slice(2, 10)}`;
	const [user] = await tdb.db
		.insert(t.users)
		.values({ username, displayName: '测试员工', role, passwordHash: await hashPassword(PASSWORD) })
		.returning();
	if (siteIds.length)
		await tdb.db.insert(t.userSites).values(siteIds.map((siteId) => ({ userId: user!.id, siteId })));
	const principal: Principal = { userId: user!.id, role, siteIds, residentId: null, readOnly: false };
	return { user: user!, principal };
}

async function signIn(username: string, now = new Date()) {
	const r = await loginStaff(tdb.db, { username, password: PASSWORD }, { ip }, now);
	if (!r.ok) throw new Error('sign-in failed');
	return r;
}

describe('second factor', () => {
	it('asks an admin without one to set it up; site staff only when the admin setting says so', async () => {
		const admin = await staffUser('admin');
		const nurse = await staffUser('site_staff');
		expect((await signIn(admin.user.username!)).secondFactor).toBe('enrol');
		expect((await signIn(nurse.user.username!)).secondFactor).toBeNull();
		await twoFactor.saveSecuritySettings(tdb.db, admin.principal, { twoFactorAllStaff: true }, ip);
		try {
			expect((await signIn(nurse.user.username!)).secondFactor).toBe('enrol');
			const session = await validateSessionToken(tdb.db, (await signIn(nurse.user.username!)).token);
			expect(session!.twoFactor).toEqual({ enrolled: false, verified: false, required: true });
		} finally {
			await twoFactor.saveSecuritySettings(tdb.db, admin.principal, { twoFactorAllStaff: false }, ip);
		}
		const [row] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(eq(t.auditLog.entity, 'security_settings'))
			.limit(1);
		expect(row).toMatchObject({
			action: 'update',
			actorId: admin.user.id,
			after: { twoFactorAllStaff: true }
		});
	});

	it('enrols with a code from the app, stores hashed recovery codes, and replaces the session', async () => {
		const { user, principal } = await staffUser('clinician');
		const first = await signIn(user.username!);
		const other = await signIn(user.username!);
		const key = twoFactor.generateTotpKey();
		const now = new Date();
		// A wrong code stores nothing.
		const wrong = await twoFactor.enrol(
			tdb.db,
			principal,
			sessionIdFromToken(first.token),
			{ key: encodeHexLowerCase(key), code: '000000' === twoFactor.totpCode(key, now) ? '111111' : '000000' },
			ip,
			now
		);
		expect(wrong).toEqual({ ok: false, error: 'code_invalid' });
		const ok = await twoFactor.enrol(
			tdb.db,
			principal,
			sessionIdFromToken(first.token),
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key, now) },
			ip,
			now
		);
		expect(ok.ok).toBe(true);
		if (!ok.ok) return;
		expect(ok.recoveryCodes).toHaveLength(10);
		expect(new Set(ok.recoveryCodes).size).toBe(10);
		// The sessions opened with the password alone are gone; the new one is verified.
		expect(await validateSessionToken(tdb.db, first.token)).toBeNull();
		expect(await validateSessionToken(tdb.db, other.token)).toBeNull();
		expect((await validateSessionToken(tdb.db, ok.token))!.twoFactor).toMatchObject({
			enrolled: true,
			verified: true
		});
		// Only hashes are stored, and the audit row holds no secret.
		const stored = await tdb.db.select().from(t.recoveryCodes).where(eq(t.recoveryCodes.userId, user.id));
		expect(stored).toHaveLength(10);
		const dump = JSON.stringify([stored, await tdb.db.select().from(t.auditLog)]);
		for (const c of ok.recoveryCodes) expect(dump).not.toContain(c);
		expect(dump).not.toContain(encodeHexLowerCase(key));
		// Enrolling twice is refused.
		expect(
			await twoFactor.enrol(
				tdb.db,
				principal,
				sessionIdFromToken(ok.token),
				{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key, now) },
				ip,
				now
			)
		).toEqual({ ok: false, error: 'already_enrolled' });
	});

	it('verifies the second step with the app or a recovery code (once), with a fresh session id', async () => {
		const { user, principal } = await staffUser('site_staff');
		const key = twoFactor.generateTotpKey();
		const start = await signIn(user.username!);
		const enrolled = await twoFactor.enrol(
			tdb.db,
			principal,
			sessionIdFromToken(start.token),
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		if (!enrolled.ok) throw new Error('enrol');

		const pending = await signIn(user.username!);
		expect(pending.secondFactor).toBe('verify');
		const session = { id: sessionIdFromToken(pending.token), userId: user.id };
		// A code from one step before or after is accepted (clock drift); two steps away is not.
		const now = new Date();
		const drift = new Date(now.getTime() + 30_000);
		const far = new Date(now.getTime() + 90_000);
		expect(twoFactor.verifyTotp(key, twoFactor.totpCode(key, drift), now)).toBe(true);
		expect(twoFactor.verifyTotp(key, twoFactor.totpCode(key, far), now)).toBe(false);
		const passed = await twoFactor.verifySecondFactor(
			tdb.db,
			session,
			{ code: twoFactor.totpCode(key), kind: 'totp' },
			ip
		);
		expect(passed.ok).toBe(true);
		if (!passed.ok) return;
		expect(passed.token).not.toBe(pending.token);
		expect(await validateSessionToken(tdb.db, pending.token)).toBeNull();

		// A recovery code, typed in capitals without dashes, works once.
		const code = enrolled.recoveryCodes[3]!;
		const typed = code.replace(/-/g, '').toUpperCase();
		const again = await signIn(user.username!);
		const used = await twoFactor.verifySecondFactor(
			tdb.db,
			{ id: sessionIdFromToken(again.token), userId: user.id },
			{ code: typed, kind: 'recovery' },
			ip
		);
		expect(used.ok).toBe(true);
		const third = await signIn(user.username!);
		expect(
			await twoFactor.verifySecondFactor(
				tdb.db,
				{ id: sessionIdFromToken(third.token), userId: user.id },
				{ code, kind: 'recovery' },
				ip
			)
		).toEqual({ ok: false, error: 'code_invalid' });
		expect(await twoFactor.unusedRecoveryCodes(tdb.db, user.id)).toBe(9);
		const audits = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.actorId, user.id));
		expect(audits.map((a) => a.action)).toEqual(
			expect.arrayContaining(['enable_2fa', 'login_2fa', 'login_recovery_code'])
		);
	});

	it('locks the step after five wrong codes, even for the right one', async () => {
		const { user, principal } = await staffUser('site_staff');
		const key = twoFactor.generateTotpKey();
		const start = await signIn(user.username!);
		await twoFactor.enrol(
			tdb.db,
			principal,
			sessionIdFromToken(start.token),
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		const pending = await signIn(user.username!);
		const session = { id: sessionIdFromToken(pending.token), userId: user.id };
		const wrong = twoFactor.totpCode(key) === '123456' ? '654321' : '123456';
		for (let i = 0; i < 5; i++)
			expect(await twoFactor.verifySecondFactor(tdb.db, session, { code: wrong, kind: 'totp' }, ip)).toEqual({
				ok: false,
				error: 'code_invalid'
			});
		const locked = await twoFactor.verifySecondFactor(
			tdb.db,
			session,
			{ code: twoFactor.totpCode(key), kind: 'totp' },
			ip
		);
		expect(locked).toMatchObject({ ok: false, error: 'throttled' });
	});

	it('lets a password-only sign-in wait 10 minutes for its code, no longer', async () => {
		const { user, principal } = await staffUser('admin');
		const key = twoFactor.generateTotpKey();
		const start = await signIn(user.username!);
		await twoFactor.enrol(
			tdb.db,
			principal,
			sessionIdFromToken(start.token),
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		const at = new Date();
		const pending = await signIn(user.username!, at);
		expect(
			await validateSessionToken(tdb.db, pending.token, new Date(at.getTime() + PENDING_MS - 1000))
		).not.toBeNull();
		expect(
			await validateSessionToken(tdb.db, pending.token, new Date(at.getTime() + PENDING_MS + 1000))
		).toBeNull();
	});

	it('may be turned off by its owner with a code when optional, never when required; an admin can reset it', async () => {
		const nurse = await staffUser('site_staff');
		const admin = await staffUser('admin');
		for (const who of [nurse, admin]) {
			const key = twoFactor.generateTotpKey();
			const s = await signIn(who.user.username!);
			await twoFactor.enrol(
				tdb.db,
				who.principal,
				sessionIdFromToken(s.token),
				{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
				ip
			);
			const code = twoFactor.totpCode(key);
			const result = await twoFactor.disableOwn(tdb.db, who.principal, code, ip);
			expect(result).toEqual(who === admin ? { ok: false, error: 'required' } : { ok: true });
		}
		const other = await staffUser('admin');
		await twoFactor.disable(tdb.db, other.principal, admin.user.id, ip);
		const [a] = await tdb.db.select().from(t.users).where(eq(t.users.id, admin.user.id));
		expect(a!.totpKey).toBeNull();
		expect((await signIn(admin.user.username!)).secondFactor).toBe('enrol');
		const [reset] = await tdb.db.select().from(t.auditLog).where(eq(t.auditLog.action, 'reset_2fa')).limit(1);
		expect(reset).toMatchObject({ actorId: other.user.id, entityId: admin.user.id });
	});
});

describe('who viewed my record', () => {
	it('lists staff views and reveals with organisation, role, time and purpose, newest first', async () => {
		const g = await makeGround(tdb.db);
		const resident = await makeResident(tdb.db, g.community.id);
		await makeStay(tdb.db, {
			residentId: resident.id,
			siteId: g.site.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id
		});
		const nurse = await staffUser('site_staff', [g.site.id]);
		const hq = await staffUser('admin');
		await residents.viewResident(nurse.principal, resident.id, ip);
		await residents.revealField(nurse.principal, resident.id, 'idNumber', 'verify_identity', ip);
		await residents.viewResident(hq.principal, resident.id, ip);
		// The record left open reloads on live changes: one view within the span, a new one after it.
		await residents.viewResident(hq.principal, resident.id, ip);
		await residents.viewResident(nurse.principal, resident.id, ip);
		// Another resident's views are not theirs.
		const other = await makeResident(tdb.db, g.community.id);
		await residents.viewResident(hq.principal, other.id, ip);

		const { views } = await portalViews(resident.id);
		expect(views.map((v) => [v.action, v.role, v.organisation, v.field, v.purpose])).toEqual([
			['view', 'admin', null, null, null],
			['reveal', 'site_staff', g.site.name, 'idNumber', 'verify_identity'],
			['view', 'site_staff', g.site.name, null, null]
		]);
		const later = new Date(Date.now() + residents.VIEW_FOLD_MS + 60_000);
		await residents.viewResident(hq.principal, resident.id, ip, later);
		expect((await portalViews(resident.id)).views.filter((v) => v.role === 'admin')).toHaveLength(2);
		// No staff names or usernames reach the resident.
		const text = JSON.stringify(views);
		expect(text).not.toContain('测试员工');
		expect(text).not.toContain(nurse.user.username!);
	});
});
