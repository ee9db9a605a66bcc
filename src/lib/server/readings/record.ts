/**
 * Recording a reading: the one path every reading takes (phone call, self-report, device; a ward round
 * takes the same steps for many at once, batch.ts). Two statements: one reads the stay; one, atomic,
 * writes the reading (once per idempotency key), the alerts it raises or updates, the audit row and a
 * NOTIFY for live inboxes, delivered on commit. NEWS2 and the alert rules run in between.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import { evaluateReading, mergeAlert, thresholdsOfSettings, type Severity } from '../../domain/alert-rules';
import { news2, type News2Result } from '../../domain/news2';
import { slotOf } from '../../domain/slot';
import { roundTemperature, type Reading } from '../../domain/vitals';
import type { ReadingInput } from '../../schemas/reading';
import { auditRow, type DeviceActor } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import { rowsOf, sqlArray } from '../db/raw';
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

/**
 * How a trigger lands on the stay's active alert of its kind (one per stay and kind, a partial unique
 * index), column by column: the highest severity seen, a rise to critical reopening an acknowledged
 * alert. Written once as SQL, for drizzle's upserts and for the one-statement write of a reading.
 */
const REOPENS = `(excluded.severity = 'critical' and alerts.severity = 'warning' and alerts.status = 'acknowledged')`;
const ALERT_MERGE = {
	severity: `case when excluded.severity = 'critical' then excluded.severity else alerts.severity end`,
	status: `case when excluded.severity = 'critical' and alerts.severity = 'warning' then 'open'::alert_status else alerts.status end`,
	// Reopened by a rise: the escalation clock starts again.
	openedAt: `case when ${REOPENS} then excluded.opened_at else alerts.opened_at end`,
	escalatedAt: `case when ${REOPENS} then null else alerts.escalated_at end`,
	triggerCount: `alerts.trigger_count + 1`,
	lastTriggeredAt: `greatest(alerts.last_triggered_at, excluded.last_triggered_at)`,
	lastValue: `excluded.last_value`,
	readingId: `excluded.reading_id`,
	version: `alerts.version + 1`
} satisfies Partial<Record<keyof typeof t.alerts.$inferSelect, string>>;

const ACTIVE_ALERT = `status in ('open', 'acknowledged')`;

export const ALERT_UPSERT = {
	target: [t.alerts.stayId, t.alerts.kind],
	targetWhere: sql.raw(ACTIVE_ALERT),
	set: Object.fromEntries(Object.entries(ALERT_MERGE).map(([k, v]) => [k, sql.raw(v)])) as {
		[K in keyof typeof ALERT_MERGE]: SQL;
	}
};

/** The same, as the `on conflict` clause of a statement written as SQL. */
const ALERT_UPSERT_CLAUSE = `on conflict (stay_id, kind) where ${ACTIVE_ALERT} do update set ${Object.entries(
	ALERT_MERGE
)
	.map(([k, v]) => `${t.alerts[k as keyof typeof ALERT_MERGE].name} = ${v}`)
	.join(', ')}`;

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

type StoredReading = typeof t.readings.$inferSelect;
export type ReadingValues = Omit<StoredReading, 'id' | 'createdAt'>;

/** A reading's columns, in the order the statements that store readings name them. */
export const READING_COLUMNS = sql.raw(
	`stay_id, taken_at, slot, slot_date, source, recorded_by, temperature, spo2, spo2_scale, on_oxygen, pulse,
	resp_rate, systolic_bp, diastolic_bp, consciousness, symptoms, news2_total, news2_risk, note, idempotency_key,
	request_hash`
);

/** The same columns with their types, as `jsonb_to_record` and `jsonb_to_recordset` read a row's JSON. */
export const READING_RECORD = sql.raw(
	`stay_id uuid, taken_at timestamptz, slot slot, slot_date date, source reading_source, recorded_by uuid,
	temperature numeric, spo2 smallint, spo2_scale smallint, on_oxygen boolean, pulse smallint, resp_rate smallint,
	systolic_bp smallint, diastolic_bp smallint, consciousness text, symptoms text[], news2_total smallint,
	news2_risk text, note text, idempotency_key text, request_hash text`
);

/** A reading's row as the JSON those statements read: one parameter, whatever the reading holds. */
export function readingJson(v: ReadingValues) {
	return {
		stay_id: v.stayId,
		taken_at: v.takenAt.toISOString(),
		slot: v.slot,
		slot_date: v.slotDate,
		source: v.source,
		recorded_by: v.recordedBy,
		temperature: v.temperature,
		spo2: v.spo2,
		spo2_scale: v.spo2Scale,
		on_oxygen: v.onOxygen,
		pulse: v.pulse,
		resp_rate: v.respRate,
		systolic_bp: v.systolicBp,
		diastolic_bp: v.diastolicBp,
		consciousness: v.consciousness,
		symptoms: v.symptoms,
		news2_total: v.news2Total,
		news2_risk: v.news2Risk,
		note: v.note,
		idempotency_key: v.idempotencyKey,
		request_hash: v.requestHash
	};
}

/**
 * What recording one reading reads, in one statement: the stay (within the scope, when one is given),
 * its resident and site, and, when the reading names symptoms, every symptom named in the day before it
 * (the new-symptom rule needs nothing more of the stay's history).
 */
async function readingContext(
	tx: DbOrTx,
	stayId: string,
	takenAt: Date,
	withSymptoms: boolean,
	scope: readonly string[] | undefined
): Promise<(ReadingContext & { recentSymptoms: string[] }) | null> {
	const scoped = scope ? `{${scope.join(',')}}` : null;
	const [row] = rowsOf<{
		id: string;
		status: string;
		site_id: string;
		resident_id: string;
		birth_date: string | null;
		pregnant: boolean;
		spo2_scale: number;
		time_zone: string;
		settings: unknown;
		recent_symptoms: string[] | null;
	}>(
		await tx.execute(sql`
			select s.id, s.status, s.site_id, s.resident_id, r.birth_date::text as birth_date, r.pregnant,
				r.spo2_scale, si.time_zone, si.settings,
				case when ${withSymptoms}::boolean then (
					select array_agg(distinct x.code)
					from readings p cross join unnest(p.symptoms) as x(code)
					where p.stay_id = s.id and p.taken_at < ${takenAt.toISOString()}::timestamptz
						and p.taken_at >= ${new Date(takenAt.getTime() - SYMPTOM_MEMORY_MS).toISOString()}::timestamptz
						and cardinality(p.symptoms) > 0
				) end as recent_symptoms
			from stays s
			join residents r on r.id = s.resident_id
			join sites si on si.id = s.site_id
			where s.id = ${stayId}::uuid and (${scoped}::uuid[] is null or s.site_id = any(${scoped}::uuid[]))`)
	);
	if (!row) return null;
	return {
		stay: { id: row.id, status: row.status, siteId: row.site_id, residentId: row.resident_id },
		resident: { birthDate: row.birth_date, pregnant: row.pregnant, spo2Scale: Number(row.spo2_scale) },
		site: { timeZone: row.time_zone, settings: row.settings },
		recentSymptoms: row.recent_symptoms ?? []
	};
}

/** A reading's answer kept with it, so a replayed request gets the first answer (the device API). */
export interface KeptAnswer {
	tokenId: string;
	/** The answer but its alerts, which the statement adds as they were stored. */
	answer: (reading: Omit<StoredReading, 'createdAt'>, news2: RecordedNews2) => Record<string, unknown>;
}

type RecordedNews2 = Pick<News2Result, 'total' | 'anySingle3' | 'risk'> | null;

/** The key was used already: the same refusal as the unique index's, for callers that catch it. */
export class ReadingKeyUsed extends Error {
	readonly constraint = 'readings_idempotency_key';
	constructor() {
		super('This idempotency key was used already');
	}
}

/**
 * Records a reading: two statements, inside the caller's transaction when there is one, and safe
 * without one (the device API). The first reads the stay; the second, a single atomic statement, stores
 * the reading once per key (while the stay is still active), lands each trigger on the stay's active
 * alert of its kind, resolves a missed-reading alert, writes the audit row, keeps the device's answer
 * and tells live inboxes, on commit. A key used already throws `ReadingKeyUsed`, as a duplicate key fails
 * an insert with `readings_idempotency_key`.
 */
export async function recordReadingInTx(
	tx: DbOrTx,
	principal: Principal | DeviceActor | null,
	input: ReadingInput,
	ip: string | null = null,
	now = new Date(),
	/** The sites the caller may record for (a device token's scope): a stay elsewhere is not found. */
	scope?: readonly string[],
	keep?: KeptAnswer
): Promise<RecordResult> {
	const at = input.takenAt ? new Date(input.takenAt) : now;
	const ctx = await readingContext(tx, input.stayId, at, input.symptoms.length > 0, scope);
	if (!ctx) return { ok: false as const, error: 'stay_not_found' as const };
	if (ctx.stay.status !== 'active') return { ok: false as const, error: 'stay_ended' as const };

	const { takenAt, slot, slotDate, reading, subject, score, values } = prepareReading(
		principal,
		input,
		ctx,
		now
	);
	// The rules read only the symptoms of what came before: every one named in the day before.
	const triggers = evaluateReading(
		reading,
		{ symptoms: ctx.recentSymptoms as Reading['symptoms'] },
		subject,
		thresholdsOfSettings(ctx.site.settings)
	);
	const id = randomUUID();
	const news2 = score && { total: score.total, anySingle3: score.anySingle3, risk: score.risk };
	const row = auditRow({
		actor: principal,
		action: 'record',
		entity: 'reading',
		entityId: id,
		residentId: ctx.stay.residentId,
		after: { source: input.source, slot, slotDate },
		ip,
		at: now
	});
	const when = takenAt.toISOString();
	const [stored] = rowsOf<{
		id: string | null;
		created_ms: number | null;
		stay_status: string | null;
		alerts: {
			id: string;
			kind: AlertKind;
			severity: Severity;
			status: RecordedAlert['status'];
			created: boolean;
			trigger: number | null;
			before: { severity: Severity; status: 'open' | 'acknowledged'; count: number } | null;
		}[];
	}>(
		await tx.execute(sql`
			with x as (select * from jsonb_to_record(${JSON.stringify(readingJson(values))}::jsonb) as x(${READING_RECORD})),
			ins as (
				insert into readings (id, ${READING_COLUMNS})
				select ${id}::uuid, ${READING_COLUMNS} from x
				where exists (select 1 from stays s where s.id = x.stay_id and s.status = 'active')
				on conflict (idempotency_key) do nothing
				returning id, stay_id, (extract(epoch from created_at) * 1000)::float8 as created_ms
			),
			tr as (
				select * from jsonb_to_recordset(${JSON.stringify(triggers.map((tr, ord) => ({ ord, ...tr })))}::jsonb)
					as tr(ord int, kind alert_kind, severity severity, value jsonb)
			),
			before as (
				select a.kind, jsonb_build_object('severity', a.severity, 'status', a.status, 'count', a.trigger_count) as was
				from alerts a
				where a.stay_id = ${input.stayId}::uuid and a.status in ('open', 'acknowledged')
					and a.kind in (select kind from tr)
			),
			up as (
				insert into alerts (stay_id, kind, severity, status, first_triggered_at, last_triggered_at, opened_at,
					last_value, reading_id)
				select ins.stay_id, tr.kind, tr.severity, 'open', ${when}::timestamptz, ${when}::timestamptz,
					${when}::timestamptz, tr.value, ins.id
				from ins cross join tr
				${sql.raw(ALERT_UPSERT_CLAUSE)}
				returning id, kind, severity, status, xmax = 0 as created
			),
			res as (
				update alerts
				set status = 'resolved', resolved_at = ${now.toISOString()}::timestamptz, outcome = 'late_reading',
					version = version + 1
				where stay_id = ${input.stayId}::uuid and kind = 'missed_reading' and ${sql.raw(ACTIVE_ALERT)}
					and exists (select 1 from ins)
				returning id, kind, severity, status
			),
			changed as (
				select tr.ord, up.id, up.kind, up.severity, up.status, up.created, b.was
				from up join tr on tr.kind = up.kind left join before b on b.kind = up.kind
				union all
				select null, id, kind, severity, status, false, null from res
			),
			logged as (
				insert into audit_log (at, actor_id, actor_role, action, entity, entity_id, resident_id, after, ip)
				select ${row.at!.toISOString()}::timestamptz, ${row.actorId}::uuid, ${row.actorRole}::role, ${row.action},
					${row.entity}, ${row.entityId}, ${row.residentId}::uuid,
					${JSON.stringify(row.after)}::jsonb || jsonb_build_object('alerts',
						(select coalesce(jsonb_agg(kind order by ord nulls last), '[]'::jsonb) from changed)),
					${row.ip}
				from ins
			),
			kept as (
				insert into device_readings (reading_id, token_id, answer)
				select ins.id, ${keep?.tokenId ?? null}::uuid,
					${keep ? JSON.stringify(keep.answer({ id, ...values }, news2)) : null}::jsonb || jsonb_build_object('alerts',
						(select coalesce(jsonb_agg(jsonb_build_object('kind', kind, 'severity', severity, 'status', status)
							order by ord nulls last), '[]'::jsonb) from changed))
				from ins
				where ${keep?.tokenId ?? null}::uuid is not null
			),
			heard as (
				select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify({ stayId: input.stayId, siteId: ctx.stay.siteId })})
				from (select 1 from changed limit 1) c
			)
			select (select id from ins) as id, (select created_ms from ins) as created_ms,
				(select status from stays where id = ${input.stayId}::uuid) as stay_status,
				(select coalesce(jsonb_agg(jsonb_build_object('id', id, 'kind', kind, 'severity', severity,
					'status', status, 'created', created, 'trigger', ord, 'before', was) order by ord nulls last), '[]'::jsonb)
					from changed) as alerts,
				(select count(*) from heard)::int as heard`)
	);
	if (!stored?.id) {
		// Nothing stored: the stay ended a moment ago, or the key is taken.
		if (stored?.stay_status !== 'active') return { ok: false as const, error: 'stay_ended' as const };
		throw new ReadingKeyUsed();
	}
	const alerts: RecordedAlert[] = stored.alerts.map((a) => ({
		id: a.id,
		kind: a.kind,
		severity: a.severity,
		status: a.status,
		// News: a new alert, a rise in severity, or a missed-reading alert resolved by this reading.
		notify: a.trigger === null || a.created || mergeAlert(a.before, triggers[a.trigger]!).notify
	}));
	return {
		ok: true as const,
		replayed: false,
		reading: { id, createdAt: new Date(stored.created_ms!), ...values },
		news2,
		alerts
	};
}

/** Records one reading, once per idempotency key: a key used already gets the first answer. */
export async function recordReading(
	principal: Principal | null,
	input: ReadingInput,
	ip: string | null = null,
	now = new Date()
): Promise<RecordResult> {
	try {
		const result = await recordReadingInTx(db(), principal, input, ip, now);
		if (result.ok) return result;
		// A stay that has ended since may still hold this key's first reading.
		return (await replay(input)) ?? result;
	} catch (e) {
		// The same key sent twice at the same moment: the second insert waited for the first, then did nothing.
		if (pgConstraint(e) === 'readings_idempotency_key') {
			const again = await replay(input);
			if (again) return again;
		}
		throw e;
	}
}
