/**
 * A second factor for staff: TOTP (RFC 6238: 6 digits, 30-second steps, SHA-1, which every authenticator
 * app speaks) and ten one-time recovery codes for a lost phone.
 *
 * Who needs it: every admin (they can change users, rules and read the audit log); other staff when they
 * choose to enrol, or all staff when an admin turns on the setting kept in `app_meta`. A session starts
 * unverified at the password step; passing the second factor replaces it with a new, verified session
 * (a new id, so a token seen before the second step is worth nothing after it).
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { decodeHex, encodeBase32UpperCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';
import { and, eq, isNull } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Principal, Role } from '../../domain/access';
import { DEFAULT_SECURITY_SETTINGS, twoFactorRequired, type SecuritySettings } from '../../domain/two-factor';
import { audit } from '../audit';
import type { Db, DbOrTx } from '../db';
import * as t from '../db/schema';
import { log } from '../log';
import { SecretBoxError } from './secret-box';
import { createSession, generateSessionToken, invalidateSession } from './session';
import { clearFailures, lockedFor, recordFailure, type ThrottleKey, ACCOUNT_LIMIT } from './throttle';
import { openTotpKey, sealTotpKey } from './totp-secrets';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const ISSUER = '隔离管家 Isolation Care';
export const RECOVERY_CODE_COUNT = 10;
export const SETTINGS_KEY = 'security_settings';

export async function readSecuritySettings(db: DbOrTx): Promise<SecuritySettings> {
	const [row] = await db.select().from(t.appMeta).where(eq(t.appMeta.key, SETTINGS_KEY));
	return { ...DEFAULT_SECURITY_SETTINGS, ...((row?.value as Partial<SecuritySettings> | undefined) ?? {}) };
}

export async function saveSecuritySettings(
	db: Db,
	principal: Principal,
	settings: SecuritySettings,
	ip: string | null,
	now = new Date()
): Promise<void> {
	await db.transaction(async (tx) => {
		const before = await readSecuritySettings(tx);
		await tx
			.insert(t.appMeta)
			.values({ key: SETTINGS_KEY, value: settings, updatedAt: now })
			.onConflictDoUpdate({ target: t.appMeta.key, set: { value: settings, updatedAt: now } });
		await audit(tx, {
			actor: principal,
			action: 'update',
			entity: 'security_settings',
			before: { ...before },
			after: { ...settings },
			ip,
			at: now
		});
	});
}

export function generateTotpKey(): Uint8Array {
	const key = new Uint8Array(20);
	crypto.getRandomValues(key);
	return key;
}

/** The key as people type it into an authenticator app: base32, in groups of four. */
export function keyForHumans(key: Uint8Array): string {
	return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}

export function totpUri(username: string, key: Uint8Array): string {
	return createTOTPKeyURI(ISSUER, username, key, TOTP_STEP_SECONDS, TOTP_DIGITS);
}

export function totpQrSvg(username: string, key: Uint8Array): Promise<string> {
	return QRCode.toString(totpUri(username, key), { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

const counterAt = (now: Date) => BigInt(Math.floor(now.getTime() / (TOTP_STEP_SECONDS * 1000)));

/** The code an authenticator shows at `now` (tests and the demo script use it). */
export function totpCode(key: Uint8Array, now = new Date()): string {
	return generateHOTP(key, counterAt(now), TOTP_DIGITS);
}

/**
 * One step either side is accepted: phone clocks drift, and a code typed in its last seconds arrives in
 * the next step.
 */
export function verifyTotp(key: Uint8Array, code: string, now = new Date()): boolean {
	const otp = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(otp)) return false;
	const c = counterAt(now);
	return [c - 1n, c, c + 1n].some((n) => verifyHOTP(key, n, TOTP_DIGITS, otp));
}

/**
 * Checks a code against a user's stored secret (sealed, see totp-secrets.ts). A secret no configured
 * key opens fails every code, and says so in the log (the user id and why, never the value): the key
 * was lost or changed, and the user needs a recovery code or an admin's reset.
 */
function verifyStoredTotp(user: { id: string; totpKey: string | null }, code: string, now: Date): boolean {
	if (!user.totpKey) return false;
	let key: Uint8Array;
	try {
		key = openTotpKey(user.id, user.totpKey);
	} catch (e) {
		if (!(e instanceof SecretBoxError)) throw e;
		log.error(
			{ userId: user.id, reason: e.reason },
			'a second-factor secret does not open with the configured TOTP_ENCRYPTION_KEY (or TOTP_ENCRYPTION_OLD_KEYS)'
		);
		return false;
	}
	return verifyTotp(key, code, now);
}

export function generateRecoveryCode(): string {
	const bytes = new Uint8Array(10);
	crypto.getRandomValues(bytes);
	return encodeBase32UpperCaseNoPadding(bytes)
		.toLowerCase()
		.replace(/(.{4})(?=.)/g, '$1-');
}

/** Spaces, dashes and case do not matter when a code is typed back. */
function hashRecoveryCode(code: string): string {
	const normal = code.replace(/[\s-]/g, '').toLowerCase();
	return encodeHexLowerCase(sha256(new TextEncoder().encode(normal)));
}

/** Replaces the user's recovery codes with new ones; returns them, the only time they exist in clear. */
async function replaceRecoveryCodes(tx: DbOrTx, userId: string, now: Date): Promise<string[]> {
	await tx.delete(t.recoveryCodes).where(eq(t.recoveryCodes.userId, userId));
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
	await tx
		.insert(t.recoveryCodes)
		.values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c), createdAt: now })));
	return codes;
}

export async function unusedRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
	const rows = await db
		.select({ id: t.recoveryCodes.id })
		.from(t.recoveryCodes)
		.where(and(eq(t.recoveryCodes.userId, userId), isNull(t.recoveryCodes.usedAt)));
	return rows.length;
}

export interface TwoFactorStatus {
	enrolled: boolean;
	required: boolean;
	recoveryCodesLeft: number;
	enabledAt: Date | null;
}

export async function twoFactorStatus(db: Db, userId: string): Promise<TwoFactorStatus | null> {
	const [user] = await db.select().from(t.users).where(eq(t.users.id, userId));
	if (!user) return null;
	const settings = await readSecuritySettings(db);
	return {
		enrolled: !!user.totpKey,
		required: twoFactorRequired(user.role, settings),
		recoveryCodesLeft: user.totpKey ? await unusedRecoveryCodes(db, userId) : 0,
		enabledAt: user.totpEnabledAt
	};
}

/** A new session that has passed the second factor, replacing the one that had not. */
async function upgradeSession(
	tx: DbOrTx,
	oldSessionId: string,
	user: { id: string; role: Role },
	ip: string | null,
	now: Date
) {
	const [old] = await tx.select().from(t.sessions).where(eq(t.sessions.id, oldSessionId));
	await invalidateSession(tx, oldSessionId);
	const token = generateSessionToken();
	const session = await createSession(
		tx,
		token,
		user,
		{ ip, userAgent: old?.userAgent ?? null, twoFactorVerified: true },
		now
	);
	return { token, expiresAt: session.expiresAt };
}

export type EnrolResult =
	| { ok: true; recoveryCodes: string[]; token: string; expiresAt: Date }
	| { ok: false; error: 'code_invalid' | 'already_enrolled' | 'key_invalid' };

/**
 * Enrolment: the page made a key and showed it as a QR code; the user proves their app holds it by
 * typing the current code. Only then is the key stored, with fresh recovery codes.
 */
export async function enrol(
	db: Db,
	principal: Principal,
	sessionId: string,
	input: { key: string; code: string },
	ip: string | null,
	now = new Date()
): Promise<EnrolResult> {
	let key: Uint8Array;
	try {
		key = decodeHex(input.key);
	} catch {
		return { ok: false, error: 'key_invalid' };
	}
	if (key.length !== 20) return { ok: false, error: 'key_invalid' };
	if (!verifyTotp(key, input.code, now)) return { ok: false, error: 'code_invalid' };
	return db.transaction(async (tx) => {
		const [user] = await tx.select().from(t.users).where(eq(t.users.id, principal.userId)).for('update');
		if (!user) return { ok: false as const, error: 'key_invalid' as const };
		if (user.totpKey) return { ok: false as const, error: 'already_enrolled' as const };
		await tx
			.update(t.users)
			.set({ totpKey: sealTotpKey(user.id, key), totpEnabledAt: now, updatedAt: now })
			.where(eq(t.users.id, user.id));
		const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
		// Other sessions were opened with the password alone: they end, this one carries on verified.
		await tx.delete(t.sessions).where(eq(t.sessions.userId, user.id));
		const fresh = await upgradeSession(tx, sessionId, user, ip, now);
		await audit(tx, {
			actor: principal,
			action: 'enable_2fa',
			entity: 'user',
			entityId: user.id,
			ip,
			at: now
		});
		return { ok: true as const, recoveryCodes, ...fresh };
	});
}

export type VerifyResult =
	| { ok: true; token: string; expiresAt: Date }
	| { ok: false; error: 'code_invalid' | 'throttled' | 'not_enrolled'; retryAfterSec?: number };

const factorKey = (userId: string): ThrottleKey => ({ key: `2fa:${userId}`, limit: ACCOUNT_LIMIT });

/**
 * The second sign-in step, with a code from the app or one recovery code (used up). Failures count like
 * password failures: five in 15 minutes lock the step for 15 minutes.
 */
export async function verifySecondFactor(
	db: Db,
	session: { id: string; userId: string },
	input: { code: string; kind: 'totp' | 'recovery' },
	ip: string | null,
	now = new Date()
): Promise<VerifyResult> {
	const keys = [factorKey(session.userId)];
	const wait = await lockedFor(db, keys, now);
	if (wait > 0) return { ok: false, error: 'throttled', retryAfterSec: wait };
	const [user] = await db.select().from(t.users).where(eq(t.users.id, session.userId));
	if (!user?.totpKey) return { ok: false, error: 'not_enrolled' };
	const result = await db.transaction(async (tx) => {
		if (input.kind === 'totp') {
			if (!verifyStoredTotp(user, input.code, now)) return null;
		} else {
			// Used up atomically: two tabs posting the same code get one sign-in.
			const used = await tx
				.update(t.recoveryCodes)
				.set({ usedAt: now })
				.where(
					and(
						eq(t.recoveryCodes.userId, user.id),
						eq(t.recoveryCodes.codeHash, hashRecoveryCode(input.code)),
						isNull(t.recoveryCodes.usedAt)
					)
				)
				.returning({ id: t.recoveryCodes.id });
			if (!used.length) return null;
		}
		const fresh = await upgradeSession(tx, session.id, user, ip, now);
		await audit(tx, {
			actor: { userId: user.id, role: user.role },
			action: input.kind === 'totp' ? 'login_2fa' : 'login_recovery_code',
			entity: 'session',
			entityId: user.id,
			ip,
			at: now
		});
		return fresh;
	});
	if (!result) {
		await recordFailure(db, keys[0]!, now);
		return { ok: false, error: 'code_invalid' };
	}
	await clearFailures(db, keys[0]!);
	return { ok: true, ...result };
}

/** New recovery codes (the old ones stop working); asks for a current code from the app. */
export async function regenerateRecoveryCodes(
	db: Db,
	principal: Principal,
	code: string,
	ip: string | null,
	now = new Date()
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; error: 'code_invalid' | 'not_enrolled' }> {
	const [user] = await db.select().from(t.users).where(eq(t.users.id, principal.userId));
	if (!user?.totpKey) return { ok: false, error: 'not_enrolled' };
	if (!verifyStoredTotp(user, code, now)) return { ok: false, error: 'code_invalid' };
	return db.transaction(async (tx) => {
		const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
		await audit(tx, {
			actor: principal,
			action: 'regenerate_recovery_codes',
			entity: 'user',
			entityId: user.id,
			ip,
			at: now
		});
		return { ok: true as const, recoveryCodes };
	});
}

/**
 * Turning the second factor off: by the user (with a current code) when it is not required of them, or
 * by an admin for someone who lost both phone and codes (they enrol again at their next sign-in if
 * required). Either way every session of that user ends.
 */
export async function disable(
	db: Db,
	principal: Principal,
	userId: string,
	ip: string | null,
	now = new Date()
): Promise<void> {
	await db.transaction(async (tx) => {
		await tx
			.update(t.users)
			.set({ totpKey: null, totpEnabledAt: null, updatedAt: now })
			.where(eq(t.users.id, userId));
		await tx.delete(t.recoveryCodes).where(eq(t.recoveryCodes.userId, userId));
		await tx.delete(t.sessions).where(eq(t.sessions.userId, userId));
		await audit(tx, {
			actor: principal,
			action: principal.userId === userId ? 'disable_2fa' : 'reset_2fa',
			entity: 'user',
			entityId: userId,
			ip,
			at: now
		});
	});
}

export async function disableOwn(
	db: Db,
	principal: Principal,
	code: string,
	ip: string | null,
	now = new Date()
): Promise<{ ok: true } | { ok: false; error: 'code_invalid' | 'required' | 'not_enrolled' }> {
	const status = await twoFactorStatus(db, principal.userId);
	if (!status?.enrolled) return { ok: false, error: 'not_enrolled' };
	if (status.required) return { ok: false, error: 'required' };
	const [user] = await db.select().from(t.users).where(eq(t.users.id, principal.userId));
	if (!verifyStoredTotp(user!, code, now)) return { ok: false, error: 'code_invalid' };
	await disable(db, principal, principal.userId, ip, now);
	return { ok: true };
}

/**
 * Seeds a known key: the demo admin's, public on purpose (README, printed at every start). It is written
 * as a value from before encryption, so the seed needs no key (it runs in the test set-up and the bench
 * as well as in the server), and the server seals it at its start like any such value
 * (`sealStoredTotpKeys`). Never for a real secret: `enrol` seals those.
 */
export async function setPublicTotpKey(db: DbOrTx, userId: string, key: Uint8Array, now = new Date()) {
	await db
		.update(t.users)
		.set({ totpKey: encodeHexLowerCase(key), totpEnabledAt: now })
		.where(eq(t.users.id, userId));
}
