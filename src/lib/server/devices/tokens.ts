/**
 * Device and call-robot tokens (DESIGN §4: admins manage API tokens). A token is shown once, when it is
 * made; the database keeps its SHA-256 only (160 random bits leave nothing to guess, so a slow hash would
 * buy nothing), plus its first characters so an admin can tell tokens apart. Every change is audited.
 */
import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Principal } from '../../domain/access';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';

/** Recognisable in logs, config files and secret scanners. */
export const TOKEN_PREFIX = 'icd_';
/** How much of the token the list shows: the prefix and four characters (20 of its 160 bits). */
const SHOWN = TOKEN_PREFIX.length + 4;
/** lastUsedAt is written at most this often, so a busy device does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export type Result<T> = { ok: true; value: T } | { ok: false; error: string; field?: string };

export function generateDeviceToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return TOKEN_PREFIX + encodeBase32LowerCaseNoPadding(bytes);
}

export function hashDeviceToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** What a request authenticated with a token may touch. */
export interface Device {
	id: string;
	name: string;
	siteIds: string[];
}

export type DeviceAuth = { ok: true; device: Device } | { ok: false; reason: 'unknown' | 'revoked' };

/**
 * The device a token belongs to. Looked up by hash, so the comparison happens inside the unique index
 * and takes no time that depends on how much of a guess was right.
 */
export async function authenticateDevice(token: string, now = new Date()): Promise<DeviceAuth> {
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return { ok: false, reason: 'unknown' };
	const [row] = await db()
		.select({
			id: t.deviceTokens.id,
			name: t.deviceTokens.name,
			revokedAt: t.deviceTokens.revokedAt,
			lastUsedAt: t.deviceTokens.lastUsedAt,
			siteIds: sql<
				string[]
			>`coalesce((select array_agg(ds.site_id) from device_token_sites ds where ds.token_id = ${t.deviceTokens.id}), '{}')`
		})
		.from(t.deviceTokens)
		.where(eq(t.deviceTokens.tokenHash, hashDeviceToken(token)));
	if (!row) return { ok: false, reason: 'unknown' };
	if (row.revokedAt) return { ok: false, reason: 'revoked' };
	if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
		// Conditional, so two requests in the same minute write once between them.
		await db()
			.update(t.deviceTokens)
			.set({ lastUsedAt: now })
			.where(
				and(
					eq(t.deviceTokens.id, row.id),
					or(
						isNull(t.deviceTokens.lastUsedAt),
						lt(t.deviceTokens.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))
					)
				)
			);
	}
	return { ok: true, device: { id: row.id, name: row.name, siteIds: row.siteIds } };
}

const creator = alias(t.users, 'creator');
const revoker = alias(t.users, 'revoker');

/** Every token, live ones first, with its scope and last use. */
export async function listDeviceTokens() {
	const rows = await db()
		.select({
			id: t.deviceTokens.id,
			name: t.deviceTokens.name,
			tokenPrefix: t.deviceTokens.tokenPrefix,
			createdAt: t.deviceTokens.createdAt,
			createdBy: creator.displayName,
			lastUsedAt: t.deviceTokens.lastUsedAt,
			revokedAt: t.deviceTokens.revokedAt,
			revokedBy: revoker.displayName,
			sites: sql<
				{ code: string; name: string; nameEn: string | null }[]
			>`coalesce((select json_agg(json_build_object('code', s.code, 'name', s.name, 'nameEn', s.name_en) order by s.code) from device_token_sites ds join sites s on s.id = ds.site_id where ds.token_id = ${t.deviceTokens.id}), '[]'::json)`
		})
		.from(t.deviceTokens)
		.leftJoin(creator, eq(creator.id, t.deviceTokens.createdBy))
		.leftJoin(revoker, eq(revoker.id, t.deviceTokens.revokedBy))
		.orderBy(sql`${t.deviceTokens.revokedAt} is not null`, desc(t.deviceTokens.createdAt))
		.limit(500);
	return rows;
}

/** Sites and communities a token may be scoped to. */
export async function listScopeSites() {
	return db()
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind
		})
		.from(t.sites)
		.where(eq(t.sites.active, true))
		.orderBy(asc(t.sites.kind), asc(t.sites.code));
}

async function insertToken(
	tx: DbOrTx,
	actor: Principal | null,
	input: { name: string; siteIds: string[]; idempotencyKey: string },
	token: string,
	ip: string | null
) {
	const [row] = await tx
		.insert(t.deviceTokens)
		.values({
			name: input.name,
			tokenHash: hashDeviceToken(token),
			tokenPrefix: token.slice(0, SHOWN),
			createdBy: actor?.userId ?? null,
			idempotencyKey: input.idempotencyKey
		})
		.returning({ id: t.deviceTokens.id });
	await tx.insert(t.deviceTokenSites).values(input.siteIds.map((siteId) => ({ tokenId: row!.id, siteId })));
	await audit(tx, {
		actor,
		action: 'create',
		entity: 'device_token',
		entityId: row!.id,
		after: { name: input.name, siteIds: input.siteIds, tokenPrefix: token.slice(0, SHOWN) },
		ip
	});
	return row!.id;
}

/**
 * A new token, returned in full this once. A double-submitted form (same key) makes one token: if it
 * has not been used yet, the repeat gets a fresh secret for it (the first answer may never have reached
 * the admin's screen, and the first secret is gone for good), so the admin always leaves with a token
 * that works.
 */
export async function createDeviceToken(
	actor: Principal,
	input: { name: string; siteIds: string[]; idempotencyKey: string },
	ip: string | null
): Promise<Result<{ id: string; token: string; name: string }>> {
	const siteIds = [...new Set(input.siteIds)];
	const known = await db().select({ id: t.sites.id }).from(t.sites).where(inArray(t.sites.id, siteIds));
	if (known.length !== siteIds.length) return { ok: false, error: 'unknown_site', field: 'siteIds' };
	const token = generateDeviceToken();
	try {
		const id = await db().transaction((tx) => insertToken(tx, actor, { ...input, siteIds }, token, ip));
		return { ok: true, value: { id, token, name: input.name } };
	} catch (e) {
		if (pgConstraint(e) !== 'device_tokens_idempotency_key') throw e;
		return reissueUnused(actor, input.idempotencyKey, ip);
	}
}

async function reissueUnused(
	actor: Principal,
	idempotencyKey: string,
	ip: string | null
): Promise<Result<{ id: string; token: string; name: string }>> {
	const token = generateDeviceToken();
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(t.deviceTokens)
			.set({
				tokenHash: hashDeviceToken(token),
				tokenPrefix: token.slice(0, SHOWN),
				version: sql`${t.deviceTokens.version} + 1`
			})
			.where(
				and(
					eq(t.deviceTokens.idempotencyKey, idempotencyKey),
					isNull(t.deviceTokens.lastUsedAt),
					isNull(t.deviceTokens.revokedAt)
				)
			)
			.returning({ id: t.deviceTokens.id, name: t.deviceTokens.name });
		if (!row) return { ok: false, error: 'device_already_created' } as const;
		await audit(tx, {
			actor,
			action: 'reissue',
			entity: 'device_token',
			entityId: row.id,
			after: { tokenPrefix: token.slice(0, SHOWN) },
			ip
		});
		return { ok: true, value: { id: row.id, token, name: row.name } } as const;
	});
}

/** Revokes a token at once: its next request answers 401. Revoking twice changes nothing. */
export async function revokeDeviceToken(
	actor: Principal,
	tokenId: string,
	ip: string | null,
	now = new Date()
): Promise<Result<{ name: string }>> {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(t.deviceTokens)
			.set({ revokedAt: now, revokedBy: actor.userId, version: sql`${t.deviceTokens.version} + 1` })
			.where(and(eq(t.deviceTokens.id, tokenId), isNull(t.deviceTokens.revokedAt)))
			.returning({ id: t.deviceTokens.id, name: t.deviceTokens.name });
		if (!row) {
			const [exists] = await tx
				.select({ name: t.deviceTokens.name })
				.from(t.deviceTokens)
				.where(eq(t.deviceTokens.id, tokenId));
			return exists ? { ok: true, value: exists } : { ok: false, error: 'not_found' };
		}
		await audit(tx, {
			actor,
			action: 'revoke',
			entity: 'device_token',
			entityId: row.id,
			before: { revokedAt: null },
			after: { name: row.name, revokedAt: now },
			ip,
			at: now
		});
		return { ok: true, value: { name: row.name } };
	});
}

/** For the demo seed: a token made inside the seed's transaction, by nobody in particular. */
export async function seedDeviceToken(tx: DbOrTx, name: string, siteIds: string[]): Promise<string> {
	const token = generateDeviceToken();
	await insertToken(tx, null, { name, siteIds, idempotencyKey: `seed-${crypto.randomUUID()}` }, token, null);
	return token;
}
