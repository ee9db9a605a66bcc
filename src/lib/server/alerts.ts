/**
 * The alert inbox: active alerts in the user's scope, critical first then oldest, and what staff do with
 * them (acknowledge with a note, resolve with an outcome). Alerts belong to the stay, so they show in the
 * inbox of whichever site or community manages the stay now.
 */
import { aliasedTable, and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import type { Principal } from '../domain/access';
import type { AcknowledgeInput, ResolveInput } from '../schemas/alerts';
import { audit } from './audit';
import { db, type DbOrTx } from './db';
import * as t from './db/schema';
import { notifyAlerts, type AlertKind } from './readings/record';

/** Alerts on one page of the inbox: the most urgent first, the rest a page away. */
export const INBOX_PAGE_SIZE = 100;

export interface InboxFilter {
	siteId?: string | null;
	kind?: AlertKind | null;
	severity?: 'warning' | 'critical' | null;
}

const ACTIVE = ['open', 'acknowledged'] as const;

/** The sites a principal sees alerts of, or null for every site. */
function scopeOf(principal: Principal): readonly string[] | null {
	return principal.role === 'admin' ? null : principal.siteIds;
}

function scopeWhere(principal: Principal): SQL | undefined {
	const scope = scopeOf(principal);
	if (scope === null) return undefined;
	// An empty scope sees nothing; `in ()` is not valid SQL.
	return scope.length ? inArray(t.stays.siteId, [...scope]) : sql`false`;
}

const acker = aliasedTable(t.users, 'acker');

/** What every list of alerts shows of one. */
const ALERT_FIELDS = {
	id: t.alerts.id,
	kind: t.alerts.kind,
	severity: t.alerts.severity,
	status: t.alerts.status,
	triggerCount: t.alerts.triggerCount,
	firstTriggeredAt: t.alerts.firstTriggeredAt,
	lastTriggeredAt: t.alerts.lastTriggeredAt,
	lastValue: t.alerts.lastValue
};

/** Active alerts, critical first then oldest. */
const INBOX_ORDER = [
	desc(sql`${t.alerts.severity} = 'critical'`),
	asc(t.alerts.firstTriggeredAt),
	asc(t.alerts.id)
];

/**
 * Active alerts in scope: from the alerts alone when the scope is every site, else joined to their
 * stays (an alert shows where its stay is managed now).
 */
function inScope<Q extends PgSelect>(query: Q, principal: Principal, filter: InboxFilter): Q {
	const byStay = scopeOf(principal) !== null || !!filter.siteId;
	const q = byStay ? (query.innerJoin(t.stays, eq(t.stays.id, t.alerts.stayId)) as unknown as Q) : query;
	return q.where(
		and(
			inArray(t.alerts.status, [...ACTIVE]),
			scopeWhere(principal),
			filter.siteId ? eq(t.stays.siteId, filter.siteId) : undefined,
			filter.kind ? eq(t.alerts.kind, filter.kind) : undefined,
			filter.severity ? eq(t.alerts.severity, filter.severity) : undefined
		)
	) as Q;
}

/** One page of the inbox (`page` counts from 1) and the totals of every active alert it could show. */
export async function inbox(
	principal: Principal,
	filter: InboxFilter = {},
	{ page = 1, pageSize = INBOX_PAGE_SIZE }: { page?: number; pageSize?: number } = {}
) {
	// The page's alerts are picked before anything else is looked up, so the resident, site and room are
	// read for those rows only.
	const picked = inScope(
		db()
			.select({
				...ALERT_FIELDS,
				escalatedAt: t.alerts.escalatedAt,
				acknowledgedAt: t.alerts.acknowledgedAt,
				acknowledgedById: t.alerts.acknowledgedBy,
				acknowledgeNote: t.alerts.acknowledgeNote,
				stayId: t.alerts.stayId
			})
			.from(t.alerts)
			.$dynamic(),
		principal,
		filter
	)
		.orderBy(...INBOX_ORDER)
		.limit(pageSize)
		.offset((page - 1) * pageSize)
		.as('picked');
	const rowsOfPage = db()
		.select({
			id: picked.id,
			kind: picked.kind,
			severity: picked.severity,
			status: picked.status,
			triggerCount: picked.triggerCount,
			firstTriggeredAt: picked.firstTriggeredAt,
			lastTriggeredAt: picked.lastTriggeredAt,
			escalatedAt: picked.escalatedAt,
			lastValue: picked.lastValue,
			acknowledgedAt: picked.acknowledgedAt,
			acknowledgedBy: acker.displayName,
			acknowledgeNote: picked.acknowledgeNote,
			stayId: t.stays.id,
			residentId: t.residents.id,
			name: t.residents.name,
			siteId: t.sites.id,
			siteName: t.sites.name,
			siteCode: t.sites.code,
			timeZone: t.sites.timeZone,
			building: t.rooms.building,
			room: t.rooms.number
		})
		.from(picked)
		.innerJoin(t.stays, eq(t.stays.id, picked.stayId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.leftJoin(acker, eq(acker.id, picked.acknowledgedById))
		.orderBy(desc(sql`${picked.severity} = 'critical'`), asc(picked.firstTriggeredAt), asc(picked.id));
	const counted = inScope(
		db()
			.select({
				total: count(),
				critical: sql<number>`count(*) filter (where ${t.alerts.severity} = 'critical')`.mapWith(Number),
				open: sql<number>`count(*) filter (where ${t.alerts.status} = 'open')`.mapWith(Number),
				escalated:
					sql<number>`count(*) filter (where ${t.alerts.escalatedAt} is not null and ${t.alerts.status} = 'open')`.mapWith(
						Number
					)
			})
			.from(t.alerts)
			.$dynamic(),
		principal,
		filter
	);
	const [rows, [totals]] = await Promise.all([rowsOfPage, counted]);
	return { rows, totals: totals! };
}

/** How many active alerts a principal should know about, for the navigation badge. */
export async function activeCount(principal: Principal): Promise<{ open: number; critical: number }> {
	const [row] = await inScope(
		db()
			.select({
				open: sql<number>`count(*) filter (where ${t.alerts.status} = 'open')`.mapWith(Number),
				critical: sql<number>`count(*) filter (where ${t.alerts.severity} = 'critical')`.mapWith(Number)
			})
			.from(t.alerts)
			.$dynamic(),
		principal,
		{}
	);
	return row ?? { open: 0, critical: 0 };
}

/** Every alert of one stay for the resident page: active ones first (critical first), then newest. */
export async function alertsOfStay(stayId: string) {
	return db()
		.select({
			...ALERT_FIELDS,
			outcome: t.alerts.outcome,
			resolvedAt: t.alerts.resolvedAt
		})
		.from(t.alerts)
		.where(eq(t.alerts.stayId, stayId))
		.orderBy(
			desc(sql`${t.alerts.status} <> 'resolved'`),
			desc(sql`${t.alerts.severity} = 'critical'`),
			desc(t.alerts.lastTriggeredAt),
			desc(t.alerts.id)
		)
		.limit(100);
}

export type AlertActionResult =
	| { ok: true; changed: boolean; by?: string | null }
	| { ok: false; error: 'not_found' | 'already_resolved' | 'outcome_required' };

/** The alert, locked, if it exists and is in the principal's scope. */
async function lockInScope(tx: DbOrTx, principal: Principal, alertId: string) {
	const [row] = await tx
		.select({
			alert: t.alerts,
			siteId: t.stays.siteId,
			residentId: t.stays.residentId
		})
		.from(t.alerts)
		.innerJoin(t.stays, eq(t.stays.id, t.alerts.stayId))
		.where(and(eq(t.alerts.id, alertId), scopeWhere(principal)))
		.for('update', { of: t.alerts });
	return row ?? null;
}

async function nameOf(tx: DbOrTx, userId: string | null): Promise<string | null> {
	if (!userId) return null;
	const [u] = await tx.select({ name: t.users.displayName }).from(t.users).where(eq(t.users.id, userId));
	return u?.name ?? null;
}

/**
 * Acknowledges an open alert. Two staff acknowledging at once: the row lock queues them, the second finds
 * it acknowledged and is told by whom, and nothing is written twice.
 */
export async function acknowledge(
	principal: Principal,
	input: AcknowledgeInput,
	ip: string | null = null,
	now = new Date()
): Promise<AlertActionResult> {
	return db().transaction(async (tx) => {
		const found = await lockInScope(tx, principal, input.alertId);
		if (!found) return { ok: false, error: 'not_found' };
		const a = found.alert;
		if (a.status === 'resolved') return { ok: false, error: 'already_resolved' };
		if (a.status === 'acknowledged')
			return { ok: true, changed: false, by: await nameOf(tx, a.acknowledgedBy) };
		await tx
			.update(t.alerts)
			.set({
				status: 'acknowledged',
				acknowledgedAt: now,
				acknowledgedBy: principal.userId,
				acknowledgeNote: input.note || null,
				version: sql`${t.alerts.version} + 1`
			})
			.where(eq(t.alerts.id, a.id));
		await audit(tx, {
			actor: principal,
			action: 'acknowledge',
			entity: 'alert',
			entityId: a.id,
			residentId: found.residentId,
			after: { kind: a.kind, severity: a.severity, note: input.note || null },
			ip,
			at: now
		});
		await notifyAlerts(tx, a.stayId, found.siteId);
		return { ok: true, changed: true };
	});
}

/** Resolves an active alert with an outcome; resolving a resolved alert again changes nothing. */
export async function resolve(
	principal: Principal,
	input: ResolveInput,
	ip: string | null = null,
	now = new Date()
): Promise<AlertActionResult> {
	return db().transaction(async (tx) => {
		const found = await lockInScope(tx, principal, input.alertId);
		if (!found) return { ok: false, error: 'not_found' };
		const a = found.alert;
		if (a.status === 'resolved') return { ok: true, changed: false, by: await nameOf(tx, a.resolvedBy) };
		if (!input.outcome) return { ok: false, error: 'outcome_required' };
		await tx
			.update(t.alerts)
			.set({
				status: 'resolved',
				resolvedAt: now,
				resolvedBy: principal.userId,
				outcome: input.outcome,
				resolveNote: input.note || null,
				version: sql`${t.alerts.version} + 1`
			})
			.where(eq(t.alerts.id, a.id));
		await audit(tx, {
			actor: principal,
			action: 'resolve',
			entity: 'alert',
			entityId: a.id,
			residentId: found.residentId,
			after: { kind: a.kind, severity: a.severity, outcome: input.outcome, note: input.note || null },
			ip,
			at: now
		});
		await notifyAlerts(tx, a.stayId, found.siteId);
		return { ok: true, changed: true };
	});
}
