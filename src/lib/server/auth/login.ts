/**
 * Signing in. Staff: username and password. Residents: the phone given at admission and the code on
 * their slip. Both answer the same for an unknown account and a wrong secret (and take as long), and
 * both count failures per account and per client address.
 */
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { normalizePhone, validatePhone } from '../../domain/phone';
import { twoFactorGate, twoFactorRequired } from '../../domain/two-factor';
import { audit } from '../audit';
import type { Db } from '../db';
import * as t from '../db/schema';
import { normalizeAccessCode } from './access-codes';
import { hashPassword, verifyPassword } from './password';
import { createSession, generateSessionToken } from './session';
import { accountKey, addressKey, clearFailures, lockedFor, recordFailure } from './throttle';
import { readSecuritySettings } from './two-factor';

export interface ClientMeta {
	ip: string;
	userAgent?: string | null;
}

export type LoginResult =
	| {
			ok: true;
			token: string;
			expiresAt: Date;
			userId: string;
			role: t.User['role'];
			mustChangePassword: boolean;
			/** What the sign-in still needs: the second factor's code, or setting one up. */
			secondFactor: 'verify' | 'enrol' | null;
	  }
	| { ok: false; reason: 'invalid' | 'throttled' | 'expired'; retryAfterSec?: number };

let dummyHash: Promise<string> | null = null;
/** Verifying against a throwaway hash makes "no such user" take as long as "wrong password". */
function timingDecoy(): Promise<string> {
	dummyHash ??= hashPassword('decoy password that never matches anything');
	return dummyHash;
}

export async function loginStaff(
	db: Db,
	input: { username: string; password: string },
	meta: ClientMeta,
	now = new Date()
): Promise<LoginResult> {
	const username = input.username.trim();
	const keys = [accountKey('user', username), addressKey(meta.ip)];
	const wait = await lockedFor(db, keys, now);
	if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSec: wait };

	const [user] = await db
		.select()
		.from(t.users)
		.where(and(sql`lower(${t.users.username}) = lower(${username})`, ne(t.users.role, 'resident')));
	const valid =
		user && user.active && user.passwordHash
			? await verifyPassword(user.passwordHash, input.password)
			: (await verifyPassword(await timingDecoy(), input.password)) && false;
	if (!user || !valid) {
		for (const k of keys) await recordFailure(db, k, now);
		return { ok: false, reason: 'invalid' };
	}

	const token = generateSessionToken();
	const session = await db.transaction(async (tx) => {
		const s = await createSession(tx, token, user, meta, now);
		await tx.update(t.users).set({ lastLoginAt: now }).where(eq(t.users.id, user.id));
		await audit(tx, {
			actor: { userId: user.id, role: user.role },
			action: 'login',
			entity: 'session',
			entityId: user.id,
			ip: meta.ip,
			at: now
		});
		return s;
	});
	await clearFailures(db, keys[0]!);
	const required = twoFactorRequired(user.role, await readSecuritySettings(db));
	return {
		ok: true,
		token,
		expiresAt: session.expiresAt,
		userId: user.id,
		role: user.role,
		mustChangePassword: user.mustChangePassword,
		secondFactor: twoFactorGate(user.role, { enrolled: !!user.totpKey, verified: false, required })
	};
}

export async function loginResident(
	db: Db,
	input: { phone: string; code: string },
	meta: ClientMeta,
	now = new Date()
): Promise<LoginResult> {
	const phone = normalizePhone(input.phone);
	const code = normalizeAccessCode(input.code);
	const keys = [accountKey('phone', phone), addressKey(meta.ip)];
	const wait = await lockedFor(db, keys, now);
	if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSec: wait };

	// A phone may be shared (a family isolating together), so every resident with it is a candidate.
	const candidates = validatePhone(phone).ok
		? await db
				.select({ code: t.accessCodes, residentId: t.stays.residentId })
				.from(t.accessCodes)
				.innerJoin(t.stays, eq(t.stays.id, t.accessCodes.stayId))
				.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
				.where(and(eq(t.residents.phone, phone), inArray(t.accessCodes.status, ['active', 'read_only'])))
				.orderBy(desc(t.accessCodes.issuedAt))
				.limit(10)
		: [];
	let match: (typeof candidates)[number] | undefined;
	for (const c of candidates) {
		if (await verifyPassword(c.code.codeHash, code)) {
			match = c;
			break;
		}
	}
	if (!candidates.length) await verifyPassword(await timingDecoy(), code);
	if (!match) {
		for (const k of keys) await recordFailure(db, k, now);
		return { ok: false, reason: 'invalid' };
	}
	if (match.code.expiresAt && now >= match.code.expiresAt) return { ok: false, reason: 'expired' };

	const token = generateSessionToken();
	const result = await db.transaction(async (tx) => {
		// The resident's account is made on first sign-in; one per resident.
		await tx
			.insert(t.users)
			.values({ role: 'resident', displayName: '隔离人员', residentId: match.residentId })
			.onConflictDoNothing({ target: t.users.residentId });
		const [user] = await tx.select().from(t.users).where(eq(t.users.residentId, match.residentId));
		const s = await createSession(
			tx,
			token,
			user!,
			{ ...meta, accessCodeId: match.code.id, notAfter: match.code.expiresAt },
			now
		);
		await tx.update(t.users).set({ lastLoginAt: now }).where(eq(t.users.id, user!.id));
		await audit(tx, {
			actor: { userId: user!.id, role: 'resident' },
			action: 'login',
			entity: 'session',
			entityId: user!.id,
			residentId: match.residentId,
			ip: meta.ip,
			at: now
		});
		return { session: s, user: user! };
	});
	await clearFailures(db, keys[0]!);
	return {
		ok: true,
		token,
		expiresAt: result.session.expiresAt,
		userId: result.user.id,
		role: 'resident',
		mustChangePassword: false,
		secondFactor: null
	};
}
