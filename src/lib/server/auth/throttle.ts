/**
 * Sign-in throttling with counters in the database, so the limit holds across every server. Per
 * account: 5 failures within 15 minutes lock it for 15 minutes. Per client address the limit is 20,
 * because a whole ward may sit behind one address. A lock refuses even the right password: otherwise
 * guessing would simply go on.
 */
import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';

export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;
export const ACCOUNT_LIMIT = 5;
export const ADDRESS_LIMIT = 20;

export interface ThrottleKey {
	key: string;
	limit: number;
}

export const accountKey = (kind: 'user' | 'phone', id: string): ThrottleKey => ({
	key: `${kind}:${id.toLowerCase()}`,
	limit: ACCOUNT_LIMIT
});
export const addressKey = (ip: string): ThrottleKey => ({ key: `ip:${ip}`, limit: ADDRESS_LIMIT });

/** Seconds until the longest lock among the keys ends; 0 when none is locked. */
export async function lockedFor(db: DbOrTx, keys: ThrottleKey[], now = new Date()): Promise<number> {
	const rows = await db
		.select({ lockedUntil: t.loginThrottle.lockedUntil })
		.from(t.loginThrottle)
		.where(
			inArray(
				t.loginThrottle.key,
				keys.map((k) => k.key)
			)
		);
	const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
	return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts a failure atomically (one statement, safe when two servers count at once). */
export async function recordFailure(
	db: DbOrTx,
	{ key, limit }: ThrottleKey,
	now = new Date()
): Promise<void> {
	const windowStart = new Date(now.getTime() - WINDOW_MS);
	const lockUntil = new Date(now.getTime() + LOCK_MS);
	const stale = sql`${t.loginThrottle.windowStart} < ${windowStart.toISOString()}::timestamptz`;
	const failures = sql`case when ${stale} then 1 else ${t.loginThrottle.failures} + 1 end`;
	await db
		.insert(t.loginThrottle)
		.values({
			key,
			failures: 1,
			windowStart: now,
			lockedUntil: limit <= 1 ? lockUntil : null
		})
		.onConflictDoUpdate({
			target: t.loginThrottle.key,
			set: {
				failures,
				windowStart: sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${t.loginThrottle.windowStart} end`,
				lockedUntil: sql`case when ${failures} >= ${limit} then ${lockUntil.toISOString()}::timestamptz else ${t.loginThrottle.lockedUntil} end`
			}
		});
}

export async function clearFailures(db: DbOrTx, key: ThrottleKey): Promise<void> {
	await db.delete(t.loginThrottle).where(inArray(t.loginThrottle.key, [key.key]));
}
