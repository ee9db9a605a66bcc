/**
 * Second-factor secrets at rest: what enrolment stores is sealed (no base32 or hex of the secret in the
 * row), values from before encryption keep working and are sealed by the start-up step, a rotated key
 * is read through its id, and a value moved to another user's row does not open.
 */
import { decodeBase32, encodeBase32UpperCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { loginStaff } from '../../src/lib/server/auth/login';
import { hashPassword } from '../../src/lib/server/auth/password';
import { Keyring, randomKey, randomKeyring, sealedKeyId } from '../../src/lib/server/auth/secret-box';
import { sessionIdFromToken } from '../../src/lib/server/auth/session';
import { sealStoredTotpKeys, useTotpKeyring } from '../../src/lib/server/auth/totp-secrets';
import * as twoFactor from '../../src/lib/server/auth/two-factor';
import * as t from '../../src/lib/server/db/schema';
import { DEMO_ADMIN_TOTP_SECRET } from '../../src/lib/server/db/seed/demo';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';

let tdb: TestDatabase;
const PASSWORD = 'ward seven kettle';
const ip = '10.0.0.9';
let ring: Keyring;

beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});
beforeEach(() => {
	// A keyring of its own for every test, installed as the server installs its one at start.
	ring = randomKeyring();
	useTotpKeyring(ring);
});
afterEach(async () => {
	// No test sees another's second factors (the start-up step reads every row).
	await tdb.db.update(t.users).set({ totpKey: null, totpEnabledAt: null });
});

async function staffUser(role: t.User['role'] = 'site_staff') {
	const username = `u${Math.random().toString(36).slice(2, 10)}`;
	const [user] = await tdb.db
		.insert(t.users)
		.values({ username, displayName: '测试员工', role, passwordHash: await hashPassword(PASSWORD) })
		.returning();
	const principal: Principal = { userId: user!.id, role, siteIds: [], residentId: null, readOnly: false };
	return { user: user!, principal };
}

async function pendingSession(user: t.User) {
	const r = await loginStaff(tdb.db, { username: user.username!, password: PASSWORD }, { ip });
	if (!r.ok) throw new Error('sign-in failed');
	return { id: sessionIdFromToken(r.token), userId: user.id, secondFactor: r.secondFactor };
}

/** The second sign-in step with the code an authenticator holding `key` shows now. */
async function passes(user: t.User, key: Uint8Array) {
	const session = await pendingSession(user);
	expect(session.secondFactor).toBe('verify');
	const r = await twoFactor.verifySecondFactor(
		tdb.db,
		session,
		{ code: twoFactor.totpCode(key), kind: 'totp' },
		ip
	);
	return r.ok;
}

async function storedValue(userId: string) {
	const [row] = await tdb.db.select({ v: t.users.totpKey }).from(t.users).where(eq(t.users.id, userId));
	return row!.v!;
}

describe('second-factor secrets at rest', () => {
	it('enrolment stores the secret sealed, and the app’s codes still verify', async () => {
		const { user, principal } = await staffUser();
		const key = twoFactor.generateTotpKey();
		const start = await pendingSession(user);
		const enrolled = await twoFactor.enrol(
			tdb.db,
			principal,
			start.id,
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		expect(enrolled.ok).toBe(true);

		const stored = await storedValue(user.id);
		expect(stored.startsWith(`v1:${ring.currentId}:`)).toBe(true);
		const base32 = encodeBase32UpperCaseNoPadding(key);
		for (const form of [
			base32,
			base32.toLowerCase(),
			encodeHexLowerCase(key),
			Buffer.from(key).toString('base64')
		])
			expect(stored).not.toContain(form);
		// Nor anywhere else in the user's row.
		const [row] = await tdb.db.select().from(t.users).where(eq(t.users.id, user.id));
		expect(JSON.stringify(row)).not.toContain(encodeHexLowerCase(key));

		expect(await passes(user, key)).toBe(true);
		// The start-up step leaves a sealed value alone.
		expect(await sealStoredTotpKeys(tdb.db, ring)).toEqual({ sealed: 0, resealed: 0, unreadable: 0 });
		expect(await storedValue(user.id)).toBe(stored);
	});

	it('a value from before encryption keeps working, and the start-up step seals it once', async () => {
		const { user } = await staffUser('admin');
		const key = twoFactor.generateTotpKey();
		await tdb.db
			.update(t.users)
			.set({ totpKey: encodeHexLowerCase(key), totpEnabledAt: new Date() })
			.where(eq(t.users.id, user.id));
		expect(await passes(user, key)).toBe(true);

		expect(await sealStoredTotpKeys(tdb.db, ring)).toEqual({ sealed: 1, resealed: 0, unreadable: 0 });
		const stored = await storedValue(user.id);
		expect(sealedKeyId(stored)).toBe(ring.currentId);
		expect(stored).not.toContain(encodeHexLowerCase(key));
		expect(await passes(user, key)).toBe(true);
		// A second start changes nothing.
		expect(await sealStoredTotpKeys(tdb.db, ring)).toEqual({ sealed: 0, resealed: 0, unreadable: 0 });
		expect(await storedValue(user.id)).toBe(stored);
	});

	it('the demo admin’s public secret, seeded in plain, is sealed at start and its codes verify', async () => {
		const { user } = await staffUser('admin');
		const key = decodeBase32(DEMO_ADMIN_TOTP_SECRET);
		await twoFactor.setPublicTotpKey(tdb.db, user.id, key);
		expect(await storedValue(user.id)).toBe(encodeHexLowerCase(key));
		expect(await sealStoredTotpKeys(tdb.db, ring)).toEqual({ sealed: 1, resealed: 0, unreadable: 0 });
		const stored = await storedValue(user.id);
		expect(stored).toMatch(/^v1:/);
		expect(stored).not.toContain(DEMO_ADMIN_TOTP_SECRET);
		expect(await passes(user, key)).toBe(true);
	});

	it('after a key rotation, reads values of the old key by their key id and seals them with the new one', async () => {
		const { user, principal } = await staffUser();
		const oldKey = randomKey();
		useTotpKeyring(new Keyring(oldKey));
		const key = twoFactor.generateTotpKey();
		const start = await pendingSession(user);
		await twoFactor.enrol(
			tdb.db,
			principal,
			start.id,
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		const before = await storedValue(user.id);

		// The new key is current, the old one still listed (TOTP_ENCRYPTION_OLD_KEYS).
		const rotated = new Keyring(randomKey(), [oldKey]);
		useTotpKeyring(rotated);
		expect(await passes(user, key)).toBe(true);
		expect(await sealStoredTotpKeys(tdb.db, rotated)).toEqual({ sealed: 0, resealed: 1, unreadable: 0 });
		const after = await storedValue(user.id);
		expect(after).not.toBe(before);
		expect(sealedKeyId(after)).toBe(rotated.currentId);

		// Once every value is sealed with the new key, the old one can go.
		const newOnly = new Keyring(randomKey());
		useTotpKeyring(newOnly);
		expect(await passes(user, key)).toBe(false);
		// (a keyring without the key that sealed the value: the value stays, reported as unreadable)
		expect(await sealStoredTotpKeys(tdb.db, newOnly)).toEqual({ sealed: 0, resealed: 0, unreadable: 1 });
		expect(await storedValue(user.id)).toBe(after);
	});

	it.skipIf(engine !== 'postgres')(
		'servers starting at once seal each value once, and every value still opens',
		async () => {
			const users = await Promise.all(Array.from({ length: 5 }, () => staffUser()));
			const keys = users.map(() => twoFactor.generateTotpKey());
			for (const [i, { user }] of users.entries())
				await twoFactor.setPublicTotpKey(tdb.db, user.id, keys[i]!);
			const runs = await Promise.all([1, 2, 3].map(() => sealStoredTotpKeys(tdb.db, ring)));
			expect(runs.reduce((n, r) => n + r.sealed, 0)).toBe(5);
			expect(runs.every((r) => r.resealed === 0 && r.unreadable === 0)).toBe(true);
			for (const [i, { user }] of users.entries()) {
				expect(sealedKeyId(await storedValue(user.id))).toBe(ring.currentId);
				expect(await passes(user, keys[i]!)).toBe(true);
			}
		}
	);

	it('a sealed value copied into another user’s row does not verify there', async () => {
		const victim = await staffUser();
		const attacker = await staffUser();
		const key = twoFactor.generateTotpKey();
		const start = await pendingSession(victim.user);
		await twoFactor.enrol(
			tdb.db,
			victim.principal,
			start.id,
			{ key: encodeHexLowerCase(key), code: twoFactor.totpCode(key) },
			ip
		);
		await tdb.db
			.update(t.users)
			.set({ totpKey: await storedValue(victim.user.id), totpEnabledAt: new Date() })
			.where(eq(t.users.id, attacker.user.id));
		expect(await passes(attacker.user, key)).toBe(false);
		expect(await passes(victim.user, key)).toBe(true);
	});
});
