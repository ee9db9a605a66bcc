/**
 * Recording a reading: the one path every reading takes (ward round, phone call, self-report, device).
 * One transaction: the reading (once per idempotency key), NEWS2, the alerts it raises or updates,
 * the audit row and a NOTIFY for live inboxes, delivered on commit.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import { evaluateReading, mergeAlert, thresholdsOfSettings, type Severity } from '../../domain/alert-rules';
import { news2, type News2Result } from '../../domain/news2';
import { slotOf } from '../../domain/slot';
import { roundTemperature, type Reading } from '../../domain/vitals';
import type { ReadingInput } from '../../schemas/reading';
import { audit, type DeviceActor } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import { sqlArray } from '../db/raw';
import * as t from '../db/schema';

export const ALERTS_CHANNEL = 'alerts';

export type AlertKind = (typeof t.alertKindEnum.enumValues)[number];

/** What raises an alert: a reading's trigger, a missed slot, an unanswered door or call, a test, a delivery. */
export interface AlertTrigger {
	kind: AlertKind;
	severity: Severity;
	value: Record<string, unknown>;
}

export interface RecordedAlert {
	id: string;
	kind: string;
	severity: 'warning' | 'critical';
	status: 'open' | 'acknowledged' | 'resolved';
	notify: boolean;
}

export type RecordResult =
	| {
			ok: true;
			replayed: boolean;
			reading: typeof t.readings.$inferSelect;
			news2: Pick<News2Result, 'total' | 'anySingle3' | 'risk'> | null;
			alerts: RecordedAlert[];
	  }
	| { ok: false; error: 'stay_not_found' | 'stay_ended' | 'key_conflict' };

/** The request's content, to tell a replay from a different request that reuses a key. */
export function requestHash(input: ReadingInput): string {
	const { idempotencyKey: _key, ...rest } = input;
	return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export function ageOn(birthDate: string | null, at: Date): number | null {
	if (!birthDate) return null;
	const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
	let age = at.getUTCFullYear() - y;
	if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
	return age;
}

export async function replay(input: ReadingInput): Promise<RecordResult | null> {
	const [existing] = await db()
		.select({
			reading: t.readings,
			resident: { birthDate: t.residents.birthDate, pregnant: t.residents.pregnant }
		})
		.from(t.readings)
		.innerJoin(t.stays, eq(t.stays.id, t.readings.stayId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.where(eq(t.readings.idempotencyKey, input.idempotencyKey));
	if (!existing) return null;
	const r = existing.reading;
	if (r.requestHash && r.requestHash !== requestHash(input)) return { ok: false, error: 'key_conflict' };
	const alerts = await db()
		.select({ id: t.alerts.id, kind: t.alerts.kind, severity: t.alerts.severity, status: t.alerts.status })
		.from(t.alerts)
		.where(eq(t.alerts.readingId, r.id));
	// The first answer's NEWS2, computed again from what was stored.
	const score = news2(asRule(r), {
		age: ageOn(existing.resident.birthDate, r.takenAt),
		pregnant: existing.resident.pregnant,
		spo2Scale: r.spo2Scale as 1 | 2
	});
	return {
		ok: true,
		replayed: true,
		reading: r,
		news2: score && { total: score.total, anySingle3: score.anySingle3, risk: score.risk },
		alerts: alerts.map((a) => ({ ...a, notify: false }))
	};
}

/** How far back a reported symptom still counts as known (not new) for the symptom rule. */
export const SYMPTOM_MEMORY_MS = 24 * 60 * 60 * 1000;

/** A stored reading as the rules read it. */
export function asRule(r: typeof t.readings.$inferSelect): Reading {
	return {
		...r,
		consciousness: r.consciousness as Reading['consciousness'],
		spo2Scale: r.spo2Scale as 1 | 2
	};
}

/** A raised alert's row, as inserted when the stay has no active alert of its kind. */
export function alertValues(
	stayId: string,
	readingId: string | null,
	trigger: AlertTrigger,
	merged: { severity: Severity; status: 'open' | 'acknowledged' },
	at: Date
): typeof t.alerts.$inferInsert {
	return {
		stayId,
		kind: trigger.kind,
		severity: merged.severity,
		status: merged.status,
		firstTriggeredAt: at,
		lastTriggeredAt: at,
		openedAt: at,
		lastValue: trigger.value,
		readingId
	};
}

const reopens = sql`(excluded.severity = 'critical' and ${t.alerts.severity} = 'warning' and ${t.alerts.status} = 'acknowledged')`;

/**
 * How a trigger lands on the stay's active alert of its kind (one per stay and kind, a partial unique
 * index): the highest severity seen, a rise to critical reopening an acknowledged alert.
 */
export const ALERT_UPSERT = {
	target: [t.alerts.stayId, t.alerts.kind],
	targetWhere: sql`${t.alerts.status} in ('open', 'acknowledged')`,
	set: {
		severity: sql`case when excluded.severity = 'critical' then excluded.severity else ${t.alerts.severity} end`,
		status: sql`case when excluded.severity = 'critical' and ${t.alerts.severity} = 'warning' then 'open'::alert_status else ${t.alerts.status} end`,
		// Reopened by a rise: the escalation clock starts again.
		openedAt: sql`case when ${reopens} then excluded.opened_at else ${t.alerts.openedAt} end`,
		escalatedAt: sql`case when ${reopens} then null else ${t.alerts.escalatedAt} end`,
		triggerCount: sql`${t.alerts.triggerCount} + 1`,
		lastTriggeredAt: sql`greatest(${t.alerts.lastTriggeredAt}, excluded.last_triggered_at)`,
		lastValue: sql`excluded.last_value`,
		readingId: sql`excluded.reading_id`,
		version: sql`${t.alerts.version} + 1`
	}
};

/**
 * Raises or updates the stay's active alert of the trigger's kind in one atomic statement: one active
 * alert per stay and kind (a partial unique index), the highest severity seen, a rise in severity
 * reopening an acknowledged alert. Two readings at the same moment both land in the same alert.
 */
export async function raiseAlert(
	tx: DbOrTx,
	stayId: string,
	readingId: string | null,
	trigger: AlertTrigger,
	at: Date
): Promise<RecordedAlert> {
	// The active alert as it stands, locked, so concurrent readings of one stay update it one at a time.
	const [before] = await tx
		.select({ severity: t.alerts.severity, status: t.alerts.status, count: t.alerts.triggerCount })
		.from(t.alerts)
		.where(
			and(
				eq(t.alerts.stayId, stayId),
				eq(t.alerts.kind, trigger.kind),
				inArray(t.alerts.status, ['open', 'acknowledged'])
			)
		)
		.for('update');
	const merged = mergeAlert(
		before
			? { severity: before.severity, status: before.status as 'open' | 'acknowledged', count: before.count }
			: null,
		trigger
	);
	const [row] = await tx
		.insert(t.alerts)
		.values(alertValues(stayId, readingId, trigger, merged, at))
		// When none was active a moment ago but another reading just made one, the conflict lands here.
		.onConflictDoUpdate(ALERT_UPSERT)
		.returning({
			id: t.alerts.id,
			kind: t.alerts.kind,
			severity: t.alerts.severity,
			status: t.alerts.status
		});
	return {
		id: row!.id,
		kind: row!.kind,
		severity: row!.severity,
		status: row!.status,
		notify: merged.notify
	};
}

/** What a write to alerts gives back: each alert as a reading's answer names it, with its stay. */
export const ALERT_ROW = {
	id: t.alerts.id,
	stayId: t.alerts.stayId,
	kind: t.alerts.kind,
	severity: t.alerts.severity,
	status: t.alerts.status
};

/**
 * Resolves the stays' active alerts of one kind by the system itself: a late reading ends a missed one,
 * a late medicine that arrived ends the overdue one. Returns what it resolved, with each alert's stay.
 */
export function resolveBySystem(
	tx: DbOrTx,
	stayIds: readonly string[],
	kind: AlertKind,
	outcome: 'late_reading' | 'delivered',
	now: Date
) {
	return tx
		.update(t.alerts)
		.set({ status: 'resolved', resolvedAt: now, outcome, version: sql`${t.alerts.version} + 1` })
		.where(
			and(
				sql`${t.alerts.stayId} = any(${sqlArray(stayIds, 'uuid')})`,
				eq(t.alerts.kind, kind),
				inArray(t.alerts.status, ['open', 'acknowledged'])
			)
		)
		.returning(ALERT_ROW);
}

/** Tells live inboxes and boards that a stay's alerts changed; delivered when the transaction commits. */
export async function notifyAlerts(tx: DbOrTx, stayId: string, siteId: string): Promise<void> {
	// Ids only: listeners re-read what they may see.
	await tx.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify({ stayId, siteId })})`);
}

/** What recording a reading needs to know of its stay: its state, its resident, its site. */
export const READING_CONTEXT = {
	stay: {
		id: t.stays.id,
		status: t.stays.status,
		siteId: t.stays.siteId,
		residentId: t.stays.residentId
	},
	resident: {
		birthDate: t.residents.birthDate,
		pregnant: t.residents.pregnant,
		spo2Scale: t.residents.spo2Scale
	},
	site: { timeZone: t.sites.timeZone, settings: t.sites.settings }
};

export interface ReadingContext {
	stay: { id: string; status: string; siteId: string; residentId: string };
	resident: { birthDate: string | null; pregnant: boolean; spo2Scale: number };
	site: { timeZone: string; settings: unknown };
}

/** A reading as it will be stored and judged: its slot, its values as the rules read them, NEWS2, its row. */
export function prepareReading(
	principal: Principal | DeviceActor | null,
	input: ReadingInput,
	ctx: ReadingContext,
	now: Date
) {
	const takenAt = input.takenAt ? new Date(input.takenAt) : now;
	const { slot, slotDate } = slotOf(takenAt, ctx.site.timeZone);
	const spo2Scale = (input.spo2Scale ?? ctx.resident.spo2Scale) as 1 | 2;
	const reading: Reading = {
		temperature: input.temperature == null ? null : roundTemperature(input.temperature),
		spo2: input.spo2 ?? null,
		spo2Scale,
		onOxygen: input.onOxygen,
		pulse: input.pulse ?? null,
		respRate: input.respRate ?? null,
		systolicBp: input.systolicBp ?? null,
		diastolicBp: input.diastolicBp ?? null,
		consciousness: input.consciousness ?? null,
		symptoms: input.symptoms
	};
	const subject = {
		age: ageOn(ctx.resident.birthDate, takenAt),
		pregnant: ctx.resident.pregnant,
		spo2Scale
	};
	const score = news2(reading, subject);
	// Every column but the two the database fills, so a batch can store it as one row of many.
	const values: Omit<typeof t.readings.$inferSelect, 'id' | 'createdAt'> = {
		stayId: input.stayId,
		takenAt,
		slot,
		slotDate,
		source: input.source,
		recordedBy: principal && 'userId' in principal ? principal.userId : null,
		temperature: reading.temperature ?? null,
		spo2: reading.spo2 ?? null,
		spo2Scale,
		onOxygen: input.onOxygen,
		pulse: reading.pulse ?? null,
		respRate: reading.respRate ?? null,
		systolicBp: reading.systolicBp ?? null,
		diastolicBp: reading.diastolicBp ?? null,
		consciousness: reading.consciousness ?? null,
		symptoms: [...input.symptoms],
		news2Total: score?.total ?? null,
		news2Risk: score?.risk ?? null,
		note: input.note || null,
		idempotencyKey: input.idempotencyKey,
		requestHash: requestHash(input)
	};
	return { takenAt, slot, slotDate, reading, subject, score, values };
}

/**
 * Records a reading inside the caller's transaction (a ward round saves many in one). The caller owns the
 * idempotency key: a duplicate key fails the insert with `readings_idempotency_key`.
 */
export async function recordReadingInTx(
	tx: DbOrTx,
	principal: Principal | DeviceActor | null,
	input: ReadingInput,
	ip: string | null = null,
	now = new Date(),
	/** The sites the caller may record for (a device token's scope): a stay elsewhere is not found. */
	scope?: readonly string[]
): Promise<RecordResult> {
	const [ctx] = await tx
		.select(READING_CONTEXT)
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.where(
			scope
				? and(eq(t.stays.id, input.stayId), inArray(t.stays.siteId, [...scope]))
				: eq(t.stays.id, input.stayId)
		);
	if (!ctx) return { ok: false as const, error: 'stay_not_found' as const };
	if (ctx.stay.status !== 'active') return { ok: false as const, error: 'stay_ended' as const };

	const { takenAt, slot, slotDate, reading, subject, score, values } = prepareReading(
		principal,
		input,
		ctx,
		now
	);
	const [row] = await tx.insert(t.readings).values(values).returning();
	const [previous] = await tx
		.select({
			reading: t.readings,
			recentSymptoms: sql<string[] | null>`(
				select array_agg(distinct x) from ${t.readings} r2, unnest(r2.symptoms) x
				where r2.stay_id = ${input.stayId} and r2.taken_at < ${takenAt.toISOString()}::timestamptz
					and r2.taken_at >= ${new Date(takenAt.getTime() - SYMPTOM_MEMORY_MS).toISOString()}::timestamptz
					and cardinality(r2.symptoms) > 0)`
		})
		.from(t.readings)
		.where(and(eq(t.readings.stayId, input.stayId), lt(t.readings.takenAt, takenAt)))
		.orderBy(desc(t.readings.takenAt))
		.limit(1);
	const triggers = evaluateReading(
		reading,
		previous
			? {
					...asRule(previous.reading),
					symptoms: (previous.recentSymptoms ?? []) as Reading['symptoms']
				}
			: null,
		subject,
		thresholdsOfSettings(ctx.site.settings)
	);
	const alerts: RecordedAlert[] = [];
	for (const trigger of triggers) alerts.push(await raiseAlert(tx, input.stayId, row!.id, trigger, takenAt));
	// A late reading shows the resident was seen: the missed-reading alert resolves by itself.
	const resolved = await resolveBySystem(tx, [input.stayId], 'missed_reading', 'late_reading', now);
	for (const { stayId: _stay, ...r } of resolved) alerts.push({ ...r, notify: true });
	await audit(tx, {
		actor: principal,
		action: 'record',
		entity: 'reading',
		entityId: row!.id,
		residentId: ctx.stay.residentId,
		after: { source: input.source, slot, slotDate, alerts: alerts.map((a) => a.kind) },
		ip,
		at: now
	});
	// Open inboxes show every change (latest value, count); `notify` marks the ones that are news.
	if (alerts.length > 0) await notifyAlerts(tx, input.stayId, ctx.stay.siteId);
	return {
		ok: true as const,
		replayed: false,
		reading: row!,
		news2: score && { total: score.total, anySingle3: score.anySingle3, risk: score.risk },
		alerts
	};
}

/** Records one reading in its own transaction, once per idempotency key. */
export async function recordReading(
	principal: Principal | null,
	input: ReadingInput,
	ip: string | null = null,
	now = new Date()
): Promise<RecordResult> {
	const earlier = await replay(input);
	if (earlier) return earlier;
	try {
		return await db().transaction((tx) => recordReadingInTx(tx, principal, input, ip, now));
	} catch (e) {
		// The same key sent twice at the same moment: the second insert waited for the first, then failed.
		if (pgConstraint(e) === 'readings_idempotency_key') {
			const again = await replay(input);
			if (again) return again;
		}
		throw e;
	}
}
