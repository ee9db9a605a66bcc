/**
 * The in-server scheduler: every minute it raises `missed_reading` for slots whose deadline passed without
 * a reading, `delivery_overdue` for medicine still on its way a day after approval, and marks alerts left
 * unacknowledged for 30 minutes as escalated. One tick is one transaction
 * holding a PostgreSQL advisory lock, so two servers never do the same work twice; on PGlite one process
 * owns the data folder and transactions run one at a time. A watermark kept in the same transaction lets
 * it catch up after downtime without raising anything twice.
 */
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { missedSlotSeverity } from '../domain/alert-rules';
import { deadlinesBetween, type SlotDeadline } from '../domain/slot';
import type { Database, DbOrTx } from './db';
import { DEFAULT_OVERDUE_HOURS, raiseOverdue } from './deliveries/overdue';
import { outageWatch, unavailableCode } from './db/outage';
import { rowsOf } from './db/raw';
import * as t from './db/schema';
import { log } from './log';
import { notifyAlerts, raiseAlert } from './readings/record';

/** Any stable number, distinct from the migration lock. */
const SCHEDULER_LOCK = 72_455_102;
const WATERMARK_KEY = 'scheduler_watermark';
/** How far back a first run, or a run after a long outage, looks. */
const MAX_CATCH_UP_MS = 3 * 24 * 3600_000;
const FIRST_RUN_LOOKBACK_MS = 12 * 3600_000;
export const ESCALATE_AFTER_MS = 30 * 60_000;

export interface TickResult {
	/** False when another server held the lock. */
	ran: boolean;
	deadlines: number;
	missed: number;
	escalated: number;
	/** Medicine deliveries newly flagged overdue. */
	overdue: number;
}

export interface SchedulerOptions {
	/** Hours after approval a medicine may take to reach the door (DELIVERY_OVERDUE_HOURS). */
	deliveryOverdueHours: number;
	/** Skip the run when any server ran less than this long ago (see runSchedulerTick). */
	minGapMs?: number;
}

const DEFAULT_OPTIONS: SchedulerOptions = { deliveryOverdueHours: DEFAULT_OVERDUE_HOURS };

async function tryLock(tx: DbOrTx, database: Database): Promise<boolean> {
	if (database.kind !== 'postgres') return true;
	const [row] = rowsOf<{ locked: boolean }>(
		await tx.execute(sql`select pg_try_advisory_xact_lock(${SCHEDULER_LOCK}) as locked`)
	);
	return row?.locked === true;
}

async function readWatermark(tx: DbOrTx, now: Date): Promise<Date> {
	const [row] = await tx.select().from(t.appMeta).where(eq(t.appMeta.key, WATERMARK_KEY)).for('update');
	const saved = typeof row?.value === 'string' ? new Date(row.value) : null;
	const floor = new Date(now.getTime() - MAX_CATCH_UP_MS);
	if (!saved || Number.isNaN(saved.getTime())) return new Date(now.getTime() - FIRST_RUN_LOOKBACK_MS);
	return saved < floor ? floor : saved;
}

async function lastRun(tx: DbOrTx): Promise<Date | null> {
	const [row] = await tx.select().from(t.appMeta).where(eq(t.appMeta.key, WATERMARK_KEY));
	const saved = typeof row?.value === 'string' ? new Date(row.value) : null;
	return saved && !Number.isNaN(saved.getTime()) ? saved : null;
}

async function writeWatermark(tx: DbOrTx, at: Date): Promise<void> {
	await tx
		.insert(t.appMeta)
		.values({ key: WATERMARK_KEY, value: at.toISOString(), updatedAt: at })
		.onConflictDoUpdate({ target: t.appMeta.key, set: { value: at.toISOString(), updatedAt: at } });
}

/** Raises `missed_reading` for one site's slot: every stay due a reading in it that has none. */
async function missSlot(tx: DbOrTx, siteId: string, d: SlotDeadline): Promise<number> {
	const missing = await tx
		.select({ stayId: t.stays.id })
		.from(t.stays)
		.where(
			and(
				eq(t.stays.siteId, siteId),
				eq(t.stays.status, 'active'),
				// A slot whose deadline falls before the admission is not due.
				lte(t.stays.admittedAt, d.deadline),
				sql`not exists (select 1 from ${t.readings} r where r.stay_id = ${t.stays.id}
					and r.slot_date = ${d.slotDate} and r.slot = ${d.slot})`
			)
		);
	if (missing.length === 0) return 0;
	const active = await tx
		.select({ stayId: t.alerts.stayId, count: t.alerts.triggerCount, value: t.alerts.lastValue })
		.from(t.alerts)
		.where(
			and(
				inArray(
					t.alerts.stayId,
					missing.map((m) => m.stayId)
				),
				eq(t.alerts.kind, 'missed_reading'),
				inArray(t.alerts.status, ['open', 'acknowledged'])
			)
		);
	const byStay = new Map(active.map((a) => [a.stayId, a]));
	let raised = 0;
	for (const { stayId } of missing) {
		const current = byStay.get(stayId);
		const value = current?.value as { slotDate?: string; slot?: string } | undefined;
		if (value?.slotDate === d.slotDate && value.slot === d.slot) continue;
		// An active missed-reading alert means no reading came since the last miss: this one is consecutive.
		const misses = (current?.count ?? 0) + 1;
		const severity = missedSlotSeverity(misses)!;
		await raiseAlert(
			tx,
			stayId,
			null,
			{ kind: 'missed_reading', severity, value: { slotDate: d.slotDate, slot: d.slot, misses } },
			d.deadline
		);
		raised++;
	}
	if (raised > 0) await notifyAlerts(tx, missing[0]!.stayId, siteId);
	return raised;
}

/** Marks open alerts nobody acknowledged within 30 minutes of opening. */
async function escalate(tx: DbOrTx, now: Date): Promise<number> {
	const cutoff = new Date(now.getTime() - ESCALATE_AFTER_MS);
	const rows = await tx
		.update(t.alerts)
		.set({ escalatedAt: now, version: sql`${t.alerts.version} + 1` })
		.where(and(eq(t.alerts.status, 'open'), isNull(t.alerts.escalatedAt), lte(t.alerts.openedAt, cutoff)))
		.returning({ stayId: t.alerts.stayId });
	if (rows.length === 0) return 0;
	const stays = await tx
		.select({ id: t.stays.id, siteId: t.stays.siteId })
		.from(t.stays)
		.where(
			inArray(
				t.stays.id,
				rows.map((r) => r.stayId)
			)
		);
	const sites = new Map(stays.map((s) => [s.siteId, s.id]));
	for (const [siteId, stayId] of sites) await notifyAlerts(tx, stayId, siteId);
	return rows.length;
}

/**
 * One run of the scheduler's work, up to `now`. With `minGapMs`, a run is skipped when any server ran
 * less than that long ago (the watermark says when): N servers each ticking every minute at their own
 * moment still do the work once a minute in total, not N times.
 */
export async function runSchedulerTick(
	database: Database,
	now = new Date(),
	options: SchedulerOptions = DEFAULT_OPTIONS
): Promise<TickResult> {
	return database.db.transaction(async (tx) => {
		const skipped = { ran: false, deadlines: 0, missed: 0, escalated: 0, overdue: 0 };
		if (!(await tryLock(tx, database))) return skipped;
		const minGapMs = options.minGapMs ?? 0;
		if (minGapMs > 0) {
			const last = await lastRun(tx);
			if (last && now.getTime() - last.getTime() < minGapMs && last <= now) return skipped;
		}
		const from = await readWatermark(tx, now);
		const sites = await tx
			.select({ id: t.sites.id, timeZone: t.sites.timeZone })
			.from(t.sites)
			.where(eq(t.sites.active, true));
		let deadlines = 0;
		let missed = 0;
		for (const site of sites) {
			for (const d of deadlinesBetween(from, now, site.timeZone)) {
				deadlines++;
				missed += await missSlot(tx, site.id, d);
			}
		}
		const overdue = await raiseOverdue(tx, now, options.deliveryOverdueHours);
		const escalated = await escalate(tx, now);
		await writeWatermark(tx, now);
		return { ran: true, deadlines, missed, escalated, overdue };
	});
}

export interface Scheduler {
	stop(): Promise<void>;
}

/** Runs a tick now and then every `intervalMs`, never two at once in this process. */
export function startScheduler(
	database: Database,
	intervalMs = 60_000,
	options: SchedulerOptions = DEFAULT_OPTIONS
): Scheduler {
	let running: Promise<void> | null = null;
	const outage = outageWatch(database);
	// Ticks skipped while the database was out of reach, logged once when it goes and once when it is back
	// (the watermark lets the next tick catch up on what the skipped ones would have done).
	let skipped = 0;
	const pause = (reason: string | undefined) => {
		if (skipped++ === 0) log.warn({ reason }, 'scheduler paused: the database is unavailable');
	};
	const tick = () => {
		if (outage.isDown()) {
			if (!running) pause(undefined);
			return;
		}
		// A slow tick is never overlapped by the next one.
		// 90 %: a server's own next tick comes one interval later, give or take the timer's drift.
		running ??= runSchedulerTick(database, new Date(), { ...options, minGapMs: intervalMs * 0.9 })
			.then((r) => {
				if (skipped > 0) log.info({ skipped }, 'scheduler resumed');
				skipped = 0;
				if (r.missed || r.escalated || r.overdue)
					log.info({ missed: r.missed, escalated: r.escalated, overdue: r.overdue }, 'scheduler tick');
			})
			.catch((e: unknown) => {
				if (outage.report(e, 'scheduler')) pause(unavailableCode(e));
				else log.error({ err: e }, 'scheduler tick failed');
			})
			.finally(() => {
				running = null;
			});
	};
	tick();
	const timer = setInterval(tick, intervalMs);
	timer.unref();
	return {
		async stop() {
			clearInterval(timer);
			await running;
		}
	};
}
