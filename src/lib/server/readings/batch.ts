/**
 * Recording many readings at once (a ward round): for every reading the same durable work as the one
 * reading path (record.ts): the reading once per key, NEWS2, the alerts the rules raise or update, the
 * missed-reading alert resolved, the audit row and a live notice. The rules are the same functions; only
 * the statements differ: each step runs once for the whole batch (stays, history, readings, alerts,
 * audit), so a round of 300 residents costs a dozen statements rather than a few thousand.
 *
 * A batch names each stay once (two readings of one stay would need the first stored before the second
 * is judged); the caller's transaction holds it together.
 */
import { eq, sql } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import {
	evaluateReading,
	mergeAlert,
	thresholdsOfSettings,
	type ActiveStatus,
	type Severity
} from '../../domain/alert-rules';
import type { Reading } from '../../domain/vitals';
import type { ReadingInput } from '../../schemas/reading';
import { auditMany, type AuditEntry, type DeviceActor } from '../audit';
import { rowsOf, sqlArray } from '../db/raw';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import {
	ALERT_ROW,
	ALERT_UPSERT,
	alertValues,
	ALERTS_CHANNEL,
	resolveBySystem,
	prepareReading,
	READING_COLUMNS,
	READING_CONTEXT,
	READING_RECORD,
	readingJson,
	SYMPTOM_MEMORY_MS,
	type AlertTrigger,
	type ReadingContext,
	type RecordedAlert,
	type RecordResult
} from './record';

/** One entry of a batch: a reading, or an alert raised without one (a round's unanswered door). */
export type BatchItem =
	| { kind: 'reading'; input: ReadingInput }
	| {
			kind: 'alert';
			stayId: string;
			/** The site whose live pages hear of it. */
			siteId: string;
			trigger: AlertTrigger;
			at: Date;
			/** The audit row of the alert once raised. */
			audit: (alert: RecordedAlert) => AuditEntry;
	  };

export type BatchOutcome =
	{ kind: 'reading'; result: RecordResult } | { kind: 'alert'; alert: RecordedAlert };

/** A trigger to land on its stay's active alert. */
export interface AlertRaise {
	stayId: string;
	readingId: string | null;
	trigger: AlertTrigger;
	at: Date;
}

/**
 * Raises or updates the active alert of each (stay, kind), all in one statement, as `raiseAlert` does
 * for one: the active alerts are read and locked first (in id order, so two batches touching the same
 * stays take their locks alike), merged by the rules, then inserted or folded into the active one.
 * Each (stay, kind) at most once per call. Answers in the order asked.
 */
export async function raiseAlerts(tx: DbOrTx, raises: readonly AlertRaise[]): Promise<RecordedAlert[]> {
	if (!raises.length) return [];
	const key = (stayId: string, kind: string) => `${stayId}:${kind}`;
	const before = rowsOf<{
		stay_id: string;
		kind: string;
		severity: Severity;
		status: ActiveStatus;
		count: number;
	}>(
		await tx.execute(sql`
			select a.stay_id, a.kind, a.severity, a.status, a.trigger_count as count
			from alerts a
			join unnest(${sqlArray(
				raises.map((r) => r.stayId),
				'uuid'
			)}, ${sqlArray(
				raises.map((r) => r.trigger.kind),
				'alert_kind'
			)}) as u(stay_id, kind) on a.stay_id = u.stay_id and a.kind = u.kind
			where a.status in ('open', 'acknowledged')
			order by a.id
			for update of a`)
	);
	const active = new Map(before.map((b) => [key(b.stay_id, b.kind), b]));
	const merged = raises.map((r) => {
		const b = active.get(key(r.stayId, r.trigger.kind));
		return mergeAlert(
			b ? { severity: b.severity, status: b.status, count: Number(b.count) } : null,
			r.trigger
		);
	});
	const rows = await tx
		.insert(t.alerts)
		.values(raises.map((r, i) => alertValues(r.stayId, r.readingId, r.trigger, merged[i]!, r.at)))
		// When none was active a moment ago but another transaction just made one, the conflict lands here.
		.onConflictDoUpdate(ALERT_UPSERT)
		.returning(ALERT_ROW);
	const rowBy = new Map(rows.map((r) => [key(r.stayId, r.kind), r]));
	return raises.map((r, i) => {
		const row = rowBy.get(key(r.stayId, r.trigger.kind))!;
		return {
			id: row.id,
			kind: row.kind,
			severity: row.severity,
			status: row.status,
			notify: merged[i]!.notify
		};
	});
}

type StoredReading = typeof t.readings.$inferSelect;

interface History {
	previous: Reading | null;
	/** Every symptom named in the 24 hours before. */
	recent: string[];
}

/**
 * For each (stay, instant): the reading just before (one step down the (stay, taken_at) index) and the
 * symptoms named in the 24 hours before, as the one reading path reads them.
 */
async function histories(
	tx: DbOrTx,
	asked: readonly { stayId: string; takenAt: Date }[]
): Promise<History[]> {
	if (!asked.length) return [];
	const res = await tx.execute(sql`
		select h.i, p.found, p.temperature, p.spo2, p.spo2_scale, p.on_oxygen, p.pulse, p.resp_rate,
			p.systolic_bp, p.diastolic_bp, p.consciousness, p.symptoms, rs.recent
		from unnest(
			${sqlArray(
				asked.map((a) => a.stayId),
				'uuid'
			)},
			${sqlArray(
				asked.map((a) => a.takenAt.toISOString()),
				'timestamptz'
			)},
			${sqlArray(
				asked.map((a) => new Date(a.takenAt.getTime() - SYMPTOM_MEMORY_MS).toISOString()),
				'timestamptz'
			)}
		) with ordinality as h(stay_id, taken_at, since, i)
		left join lateral (
			select true as found, r.temperature::float8 as temperature, r.spo2, r.spo2_scale, r.on_oxygen,
				r.pulse, r.resp_rate, r.systolic_bp, r.diastolic_bp, r.consciousness, r.symptoms
			from readings r
			where r.stay_id = h.stay_id and r.taken_at < h.taken_at
			order by r.taken_at desc
			limit 1
		) p on true
		left join lateral (
			select array_agg(distinct s.code) as recent
			from readings r cross join unnest(r.symptoms) as s(code)
			where r.stay_id = h.stay_id and r.taken_at < h.taken_at and r.taken_at >= h.since
				and cardinality(r.symptoms) > 0
		) rs on true`);
	const byIndex = new Map<number, History>();
	for (const r of rowsOf<{
		i: number | string;
		found: boolean | null;
		temperature: number | string | null;
		spo2: number | null;
		spo2_scale: number;
		on_oxygen: boolean;
		pulse: number | null;
		resp_rate: number | null;
		systolic_bp: number | null;
		diastolic_bp: number | null;
		consciousness: string | null;
		symptoms: string[] | null;
		recent: string[] | null;
	}>(res)) {
		byIndex.set(Number(r.i) - 1, {
			previous: r.found
				? {
						temperature: r.temperature == null ? null : Number(r.temperature),
						spo2: r.spo2,
						spo2Scale: Number(r.spo2_scale) as 1 | 2,
						onOxygen: r.on_oxygen,
						pulse: r.pulse,
						respRate: r.resp_rate,
						systolicBp: r.systolic_bp,
						diastolicBp: r.diastolic_bp,
						consciousness: r.consciousness as Reading['consciousness'],
						symptoms: r.symptoms ?? []
					}
				: null,
			recent: r.recent ?? []
		});
	}
	return asked.map((_, i) => byIndex.get(i) ?? { previous: null, recent: [] });
}

/**
 * Records a batch inside the caller's transaction, answering in the order given. A reading whose stay
 * is unknown or no longer active is refused on its own (as the one path refuses it) and the rest are
 * stored. The caller owns the idempotency keys: a key stored already fails the readings' insert with
 * `readings_idempotency_key`, and with it the transaction.
 */
export async function recordBatchInTx(
	tx: DbOrTx,
	principal: Principal | DeviceActor | null,
	items: readonly BatchItem[],
	ip: string | null = null,
	now = new Date()
): Promise<BatchOutcome[]> {
	const stayOf = (item: BatchItem) => (item.kind === 'reading' ? item.input.stayId : item.stayId);
	if (new Set(items.map(stayOf)).size !== items.length) throw new Error('A batch names each stay once');
	const readings = items.flatMap((item, i) => (item.kind === 'reading' ? [{ i, input: item.input }] : []));
	const takenAt = (input: ReadingInput) => (input.takenAt ? new Date(input.takenAt) : now);

	// The stays as they stand now (one released since the page was shown is refused), and each one's history.
	const [contexts, history] = await Promise.all([
		readings.length
			? tx
					.select(READING_CONTEXT)
					.from(t.stays)
					.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
					.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
					.where(
						sql`${t.stays.id} = any(${sqlArray(
							readings.map((r) => r.input.stayId),
							'uuid'
						)})`
					)
			: [],
		histories(
			tx,
			readings.map((r) => ({ stayId: r.input.stayId, takenAt: takenAt(r.input) }))
		)
	]);
	const contextBy = new Map<string, ReadingContext>(contexts.map((c) => [c.stay.id, c]));

	const outcomes: (BatchOutcome | null)[] = items.map(() => null);
	const good = readings.flatMap(({ i, input }, h) => {
		const ctx = contextBy.get(input.stayId);
		if (!ctx || ctx.stay.status !== 'active') {
			const error = !ctx ? ('stay_not_found' as const) : ('stay_ended' as const);
			outcomes[i] = { kind: 'reading', result: { ok: false, error } };
			return [];
		}
		return [{ i, input, ctx, history: history[h]!, ...prepareReading(principal, input, ctx, now) }];
	});

	// One statement for every reading, whatever their number: the rows travel as one JSON parameter.
	const stored = good.length
		? rowsOf<{ id: string; idempotency_key: string; created_at: Date | string }>(
				await tx.execute(sql`
					insert into readings (${READING_COLUMNS})
					select ${READING_COLUMNS}
					from jsonb_to_recordset(${JSON.stringify(good.map((g) => readingJson(g.values)))}::jsonb)
						as x(${READING_RECORD})
					returning id, idempotency_key, created_at`)
			)
		: [];
	const storedBy = new Map(stored.map((r) => [r.idempotency_key, r]));
	const thresholds = new Map<string, ReturnType<typeof thresholdsOfSettings>>();
	const judged = good.map((g) => {
		const got = storedBy.get(g.input.idempotencyKey)!;
		const row: StoredReading = { ...g.values, id: got.id, createdAt: new Date(got.created_at) };
		let th = thresholds.get(g.ctx.stay.siteId);
		if (!th) thresholds.set(g.ctx.stay.siteId, (th = thresholdsOfSettings(g.ctx.site.settings)));
		// As the one path: the previous reading, with every symptom of the 24 hours before it.
		const { previous, recent } = g.history;
		const triggers = evaluateReading(
			g.reading,
			previous ? { ...previous, symptoms: recent } : null,
			g.subject,
			th
		);
		return { ...g, row, triggers };
	});

	const alertItems = items.flatMap((item, i) => (item.kind === 'alert' ? [{ i, item }] : []));
	const raises: AlertRaise[] = [
		...judged.flatMap((j) =>
			j.triggers.map((trigger) => ({ stayId: j.input.stayId, readingId: j.row.id, trigger, at: j.takenAt }))
		),
		...alertItems.map(({ item }) => ({
			stayId: item.stayId,
			readingId: null,
			trigger: item.trigger,
			at: item.at
		}))
	];
	const [raised, resolved] = await Promise.all([
		raiseAlerts(tx, raises),
		// A late reading shows the resident was seen: the missed-reading alert resolves by itself.
		judged.length
			? resolveBySystem(
					tx,
					judged.map((j) => j.input.stayId),
					'missed_reading',
					'late_reading',
					now
				)
			: []
	]);
	const resolvedBy = new Map<string, RecordedAlert[]>();
	for (const { stayId, ...r } of resolved)
		resolvedBy.set(stayId, [...(resolvedBy.get(stayId) ?? []), { ...r, notify: true }]);

	const audits: (AuditEntry | null)[] = items.map(() => null);
	/** Per item, the site whose live pages hear of it, when its stay's alerts changed. */
	const heard: (string | null)[] = items.map(() => null);
	let next = 0;
	for (const j of judged) {
		const alerts = [
			...raised.slice(next, next + j.triggers.length),
			...(resolvedBy.get(j.input.stayId) ?? [])
		];
		next += j.triggers.length;
		outcomes[j.i] = {
			kind: 'reading',
			result: {
				ok: true,
				replayed: false,
				reading: j.row,
				news2: j.score && { total: j.score.total, anySingle3: j.score.anySingle3, risk: j.score.risk },
				alerts
			}
		};
		audits[j.i] = {
			actor: principal,
			action: 'record',
			entity: 'reading',
			entityId: j.row.id,
			residentId: j.ctx.stay.residentId,
			after: {
				source: j.input.source,
				slot: j.slot,
				slotDate: j.slotDate,
				alerts: alerts.map((a) => a.kind)
			},
			ip,
			at: now
		};
		if (alerts.length > 0) heard[j.i] = j.ctx.stay.siteId;
	}
	for (const { i, item } of alertItems) {
		const alert = raised[next++]!;
		outcomes[i] = { kind: 'alert', alert };
		audits[i] = item.audit(alert);
		heard[i] = item.siteId;
	}
	// The sites whose live pages hear of the batch, each with the first stay that changed there.
	const notices = new Map<string, string>();
	items.forEach((item, i) => {
		const siteId = heard[i];
		if (siteId && !notices.has(siteId)) notices.set(siteId, stayOf(item));
	});

	await auditMany(
		tx,
		audits.filter((a) => a !== null)
	);
	// One notice per site, however many of its stays changed: listeners re-read what they may see.
	for (const [siteId, stayId] of notices)
		await tx.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify({ stayId, siteId })})`);
	return outcomes.map((o) => o!);
}
