/**
 * Sessions the Lucia way: the browser holds a random token; the database holds only its SHA-256 hash
 * as the session id, so a leaked sessions table gives nobody a usable cookie. SHA-256 (not argon2) is
 * enough because the token has 160 bits of randomness: there is nothing to guess.
 *
 * Lifetimes (DESIGN §4): staff, often on shared ward computers, are signed out after 12 hours idle and
 * 7 days at most; residents, on their own phones, stay signed in 30 days, renewed when under 15 remain.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Cookies } from '@sveltejs/kit';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Role } from '../../domain/access';
import { twoFactorRequired } from '../../domain/two-factor';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';

export const SESSION_COOKIE = 'session';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const STAFF_IDLE_MS = 12 * HOUR;
export const STAFF_MAX_MS = 7 * DAY;
export const RESIDENT_MS = 30 * DAY;
export const RESIDENT_RENEW_BELOW_MS = 15 * DAY;
/** How long a password-only sign-in may wait for its second factor. */
export const PENDING_MS = 10 * 60_000;
/** lastSeenAt is written at most this often, so browsing does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
	id: string;
	username: string | null;
	displayName: string;
	role: Role;
	residentId: string | null;
	mustChangePassword: boolean;
	siteIds: string[];
}

export interface ValidSession {
	session: { id: string; userId: string; expiresAt: Date; accessCodeId: string | null };
	user: SessionUser;
	/** A released resident's code: they may look, not change. */
	readOnly: boolean;
	/** The expiry moved: the cookie must be set again. */
	fresh: boolean;
	/**
	 * The second factor: `verified` once passed in this session; `enrolled` when the user has one;
	 * `required` for admins, and for all staff when the admin setting says so.
	 */
	twoFactor: { enrolled: boolean; verified: boolean; required: boolean };
}

export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function hashToken(token: string): Uint8Array {
	return sha256(new TextEncoder().encode(token));
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(hashToken(token));
}

export async function createSession(
	db: DbOrTx,
	token: string,
	user: { id: string; role: Role },
	meta: {
		ip?: string | null;
		userAgent?: string | null;
		accessCodeId?: string | null;
		notAfter?: Date | null;
		twoFactorVerified?: boolean;
	},
	now = new Date()
) {
	const lifetime = user.role === 'resident' ? RESIDENT_MS : STAFF_MAX_MS;
	let expiresAt = new Date(now.getTime() + lifetime);
	if (meta.notAfter && meta.notAfter < expiresAt) expiresAt = meta.notAfter;
	const [session] = await db
		.insert(t.sessions)
		.values({
			id: sessionIdFromToken(token),
			userId: user.id,
			createdAt: now,
			lastSeenAt: now,
			expiresAt,
			ip: meta.ip ?? null,
			userAgent: meta.userAgent?.slice(0, 300) ?? null,
			accessCodeId: meta.accessCodeId ?? null,
			twoFactorVerified: meta.twoFactorVerified ?? false
		})
		.returning();
	return session!;
}

export async function validateSessionToken(
	db: DbOrTx,
	token: string,
	now = new Date()
): Promise<ValidSession | null> {
	if (!/^[a-z2-7]{20,64}$/.test(token)) return null;
	const hash = hashToken(token);
	const id = encodeHexLowerCase(hash);
	const [row] = await db
		.select({
			session: t.sessions,
			user: t.users,
			code: { status: t.accessCodes.status, expiresAt: t.accessCodes.expiresAt },
			siteIds: sql<
				string[]
			>`coalesce((select array_agg(us.site_id::text) from user_sites us where us.user_id = users.id), '{}')`,
			allStaff2fa: sql<
				boolean | null
			>`(select (value->>'twoFactorAllStaff')::boolean from app_meta where key = 'security_settings')`
		})
		.from(t.sessions)
		.innerJoin(t.users, eq(t.users.id, t.sessions.userId))
		.leftJoin(t.accessCodes, eq(t.accessCodes.id, t.sessions.accessCodeId))
		.where(eq(t.sessions.id, id));
	if (!row) return null;
	// The lookup was by hash; compare again in constant time so the check itself leaks no timing.
	if (!constantTimeEqual(new TextEncoder().encode(row.session.id), new TextEncoder().encode(id))) return null;

	const { session, user } = row;
	const end = async () => {
		await invalidateSession(db, session.id);
		return null;
	};
	if (!user.active) return end();
	if (now >= session.expiresAt) return end();
	// A sign-in waiting for its second factor is good for a few minutes, not for the session's life.
	if (user.totpKey && !session.twoFactorVerified && now.getTime() - session.createdAt.getTime() > PENDING_MS)
		return end();

	let fresh = false;
	let readOnly = false;
	if (user.role === 'resident') {
		if (!row.code || row.code.status === 'void') return end();
		if (row.code.expiresAt && now >= row.code.expiresAt) return end();
		readOnly = row.code.status === 'read_only';
		if (session.expiresAt.getTime() - now.getTime() < RESIDENT_RENEW_BELOW_MS) {
			let renewed = new Date(now.getTime() + RESIDENT_MS);
			if (row.code.expiresAt && row.code.expiresAt < renewed) renewed = row.code.expiresAt;
			if (renewed > session.expiresAt) {
				session.expiresAt = renewed;
				fresh = true;
				await db
					.update(t.sessions)
					.set({ expiresAt: renewed, lastSeenAt: now })
					.where(eq(t.sessions.id, session.id));
			}
		}
	} else {
		if (now.getTime() - session.lastSeenAt.getTime() >= STAFF_IDLE_MS) return end();
		if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
			await db.update(t.sessions).set({ lastSeenAt: now }).where(eq(t.sessions.id, session.id));
		}
	}

	return {
		session: {
			id: session.id,
			userId: session.userId,
			expiresAt: session.expiresAt,
			accessCodeId: session.accessCodeId
		},
		user: {
			id: user.id,
			username: user.username,
			displayName: user.displayName,
			role: user.role,
			residentId: user.residentId,
			mustChangePassword: user.mustChangePassword,
			siteIds: row.siteIds ?? []
		},
		readOnly,
		fresh,
		twoFactor: {
			enrolled: !!user.totpKey,
			verified: session.twoFactorVerified,
			required: twoFactorRequired(user.role, { twoFactorAllStaff: row.allStaff2fa === true })
		}
	};
}

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
	await db.delete(t.sessions).where(eq(t.sessions.id, sessionId));
}

/** Ends every session of a user, or every other one when `except` is the current session. */
export async function invalidateUserSessions(db: DbOrTx, userId: string, except?: string): Promise<void> {
	await db
		.delete(t.sessions)
		.where(
			except ? and(eq(t.sessions.userId, userId), ne(t.sessions.id, except)) : eq(t.sessions.userId, userId)
		);
}

/**
 * httpOnly: scripts never see the token. sameSite=lax: the cookie is not sent on cross-site posts,
 * which, with SvelteKit's origin check, stops cross-site request forgery, yet a link from a text
 * message still opens the app signed in. secure whenever the app is served over https.
 */
export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		secure,
		expires: expiresAt,
		path: '/'
	});
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, maxAge: 0, path: '/' });
}
