/**
 * The audit trail: every write and every view of a resident's record, in the same transaction as the
 * change. Rows hold masked ID numbers and phones, never raw ones, and never secrets.
 */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../domain/access';
import { maskIdNumber } from '../domain/id-number';
import { maskPhone } from '../domain/phone';
import { db, type DbOrTx } from './db';
import * as t from './db/schema';

const ID_FIELDS = new Set(['idNumber']);
const PHONE_FIELDS = new Set(['phone', 'emergencyContactPhone']);
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'codeHash', 'code', 'token', 'tokenHash']);

/** A copy safe to store: ID numbers and phones masked, secrets dropped, dates as ISO strings. */
export function maskForAudit(value: unknown): unknown {
	if (value === null || value === undefined) return value ?? null;
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map(maskForAudit);
	if (typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		if (SECRET_FIELDS.has(k)) continue;
		if (ID_FIELDS.has(k) && typeof v === 'string') out[k] = maskIdNumber(v);
		else if (PHONE_FIELDS.has(k) && typeof v === 'string') out[k] = maskPhone(v);
		else out[k] = maskForAudit(v);
	}
	return out;
}

/** Only the fields that changed, before and after. */
export function changedFields(
	before: Record<string, unknown>,
	after: Record<string, unknown>
): { before: Record<string, unknown>; after: Record<string, unknown> } {
	const b: Record<string, unknown> = {};
	const a: Record<string, unknown> = {};
	for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
		if (!(key in after)) continue;
		const x = before[key] instanceof Date ? (before[key] as Date).toISOString() : before[key];
		const y = after[key] instanceof Date ? (after[key] as Date).toISOString() : after[key];
		if (JSON.stringify(x) !== JSON.stringify(y)) {
			b[key] = before[key];
			a[key] = after[key];
		}
	}
	return { before: b, after: a };
}

/** A device token acting through the API: audited under the token's id, with no role. */
export interface DeviceActor {
	deviceId: string;
}

export interface AuditEntry {
	actor: Pick<Principal, 'userId' | 'role'> | DeviceActor | null;
	action: string;
	entity: string;
	entityId?: string | null;
	residentId?: string | null;
	before?: Record<string, unknown> | null;
	after?: Record<string, unknown> | null;
	ip?: string | null;
	at?: Date;
}

/** The row an entry becomes: the actor split into id and role, before and after masked. */
export function auditRow(entry: AuditEntry): typeof t.auditLog.$inferInsert {
	return {
		at: entry.at ?? new Date(),
		actorId: !entry.actor ? null : 'deviceId' in entry.actor ? entry.actor.deviceId : entry.actor.userId,
		actorRole: entry.actor && 'role' in entry.actor ? entry.actor.role : null,
		action: entry.action,
		entity: entry.entity,
		entityId: entry.entityId ?? null,
		residentId: entry.residentId ?? null,
		before: entry.before ? (maskForAudit(entry.before) as Record<string, unknown>) : null,
		after: entry.after ? (maskForAudit(entry.after) as Record<string, unknown>) : null,
		ip: entry.ip ?? null
	};
}

export async function audit(db: DbOrTx, entry: AuditEntry): Promise<void> {
	await db.insert(t.auditLog).values(auditRow(entry));
}

/**
 * Many audit rows in one statement, in the order given (a ward round's rows); they travel as one JSON
 * parameter, so the statement is the same whatever their number.
 */
export async function auditMany(db: DbOrTx, entries: readonly AuditEntry[]): Promise<void> {
	if (!entries.length) return;
	const rows = entries.map((e) => {
		const r = auditRow(e);
		return {
			at: (r.at ?? new Date()).toISOString(),
			actor_id: r.actorId ?? null,
			actor_role: r.actorRole ?? null,
			action: r.action,
			entity: r.entity,
			entity_id: r.entityId ?? null,
			resident_id: r.residentId ?? null,
			before: r.before ?? null,
			after: r.after ?? null,
			ip: r.ip ?? null
		};
	});
	await db.execute(sql`
		insert into audit_log (at, actor_id, actor_role, action, entity, entity_id, resident_id, before, after, ip)
		select at, actor_id, actor_role, action, entity, entity_id, resident_id, before, after, ip
		from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
			at timestamptz, actor_id uuid, actor_role role, action text, entity text, entity_id text,
			resident_id uuid, before jsonb, after jsonb, ip text)`);
}

export const AUDIT_PAGE_SIZE = 50;

/** The admin audit page: newest first, filtered by actor username, resident, entity and local dates. */
export async function searchAudit(
	filter: { user?: string; resident?: string; entity?: string; from?: string; to?: string; page: number },
	timeZone = 'Asia/Shanghai'
) {
	const where = [];
	if (filter.user) where.push(sql`lower(${t.users.username}) = lower(${filter.user})`);
	if (filter.resident) {
		if (!/^[0-9a-f-]{36}$/i.test(filter.resident)) return { rows: [], hasMore: false };
		where.push(eq(t.auditLog.residentId, filter.resident));
	}
	if (filter.entity) where.push(eq(t.auditLog.entity, filter.entity));
	if (filter.from)
		where.push(gte(t.auditLog.at, DateTime.fromISO(filter.from, { zone: timeZone }).toJSDate()));
	if (filter.to)
		where.push(
			lt(t.auditLog.at, DateTime.fromISO(filter.to, { zone: timeZone }).plus({ days: 1 }).toJSDate())
		);
	const rows = await db()
		.select({
			id: t.auditLog.id,
			at: t.auditLog.at,
			action: t.auditLog.action,
			entity: t.auditLog.entity,
			entityId: t.auditLog.entityId,
			residentId: t.auditLog.residentId,
			before: t.auditLog.before,
			after: t.auditLog.after,
			ip: t.auditLog.ip,
			actorRole: t.auditLog.actorRole,
			actorName: t.users.displayName,
			actorUsername: t.users.username,
			actorDevice: t.deviceTokens.name
		})
		.from(t.auditLog)
		.leftJoin(t.users, eq(t.users.id, t.auditLog.actorId))
		// Rows written by a device carry the token's id as the actor.
		.leftJoin(t.deviceTokens, eq(t.deviceTokens.id, t.auditLog.actorId))
		.where(where.length ? and(...where) : undefined)
		.orderBy(desc(t.auditLog.at), desc(t.auditLog.id))
		.limit(AUDIT_PAGE_SIZE + 1)
		.offset((filter.page - 1) * AUDIT_PAGE_SIZE);
	return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}
