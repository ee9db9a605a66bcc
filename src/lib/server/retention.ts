/**
 * Retention (PIPL art. 19, GB/T 35273 §6.1: keep personal information no longer than the purpose needs).
 * Once every stay of a resident ended more than RETENTION_DAYS ago (30 by default: released residents may
 * still sign in for 30 days to print their release notice), a scheduled job removes what identifies them:
 * name, ID number, phone, emergency contact, addresses, free-text notes (calls, readings, deliveries), allergies and
 * medicines, and the day and month of birth.
 * It keeps what the daily report and the dashboard count, none of which names a person: stays with their
 * dates, sites, plan and category, the stay history, readings, alerts, calls (their outcomes), tests,
 * sex, the birth year (age bands) and risk flags. Their sign-in code and sessions end.
 *
 * Each run is one transaction under a PostgreSQL advisory lock (several servers never run it twice at
 * once), handles at most BATCH residents, and writes one audit row per resident, holding no values.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from './db';
import { tryTransactionLock } from './db/locks';
import { outageWatch } from './db/outage';
import { audit } from './audit';
import * as t from './db/schema';
import { log } from './log';

/** Any stable number, distinct from the migration and scheduler locks. */
const RETENTION_LOCK = 72_455_113;
export const BATCH = 500;
export const RUN_EVERY_MS = 3_600_000;

/** What an anonymised record shows where the name was. */
export const ANONYMISED_NAME = '（已匿名）';

export interface RetentionResult {
	ran: boolean;
	anonymised: number;
}

/** Residents with no active stay whose last stay ended before the cutoff, not yet anonymised. */
async function due(tx: DbOrTx, cutoff: Date): Promise<string[]> {
	const rows = await tx
		.select({ id: t.residents.id })
		.from(t.residents)
		.where(
			and(
				isNull(t.residents.anonymisedAt),
				sql`exists (select 1 from ${t.stays} s where s.resident_id = ${t.residents.id})`,
				sql`not exists (select 1 from ${t.stays} s where s.resident_id = ${t.residents.id}
					and (s.status = 'active' or s.outcome_at >= ${cutoff.toISOString()}::timestamptz))`
			)
		)
		.limit(BATCH)
		.for('update', { skipLocked: true });
	return rows.map((r) => r.id);
}

export async function anonymiseResident(tx: DbOrTx, residentId: string, now: Date): Promise<void> {
	await tx
		.update(t.residents)
		.set({
			name: ANONYMISED_NAME,
			// Unique per record, so the (type, number) key holds and a later admission is a new person.
			idNumber: sql`'anon-' || ${t.residents.id}::text`,
			idLast4: '',
			phone: '',
			phoneLast4: '',
			emergencyContactName: null,
			emergencyContactPhone: null,
			homeAddress: '',
			allergies: null,
			regularMedicines: null,
			// The year alone keeps age bands countable.
			birthDate: sql`case when ${t.residents.birthDate} is null then null
				else make_date(extract(year from ${t.residents.birthDate})::int, 1, 1) end`,
			phoneFlaggedAt: null,
			anonymisedAt: now,
			updatedAt: now,
			version: sql`${t.residents.version} + 1`
		})
		.where(eq(t.residents.id, residentId));
	const stays = await tx
		.update(t.stays)
		.set({ homeAddress: null, sourceCaseRef: null, updatedAt: now })
		.where(eq(t.stays.residentId, residentId))
		.returning({ id: t.stays.id });
	const stayIds = stays.map((s) => s.id);
	if (stayIds.length) {
		// Call notes are free text that may name people; the outcomes, which reports count, stay.
		await tx.update(t.calls).set({ note: null }).where(inArray(t.calls.stayId, stayIds));
		await tx.update(t.readings).set({ note: null }).where(inArray(t.readings.stayId, stayIds));
		await tx.update(t.deliveries).set({ note: null }).where(inArray(t.deliveries.stayId, stayIds));
		await tx
			.update(t.accessCodes)
			.set({ status: 'void', voidedAt: now })
			.where(and(inArray(t.accessCodes.stayId, stayIds), sql`${t.accessCodes.status} <> 'void'`));
	}
	const [account] = await tx
		.update(t.users)
		.set({ active: false, updatedAt: now })
		.where(eq(t.users.residentId, residentId))
		.returning({ id: t.users.id });
	if (account) await tx.delete(t.sessions).where(eq(t.sessions.userId, account.id));
	await audit(tx, {
		actor: null,
		action: 'anonymise',
		entity: 'resident',
		entityId: residentId,
		residentId,
		after: { stays: stayIds.length, reason: 'retention' },
		at: now
	});
}

/** One run: anonymises up to BATCH residents whose last stay ended more than `days` days before `now`. */
export async function runRetention(
	database: Database,
	days: number,
	now = new Date()
): Promise<RetentionResult> {
	const cutoff = new Date(now.getTime() - days * 86_400_000);
	return database.db.transaction(async (tx) => {
		if (!(await tryTransactionLock(tx, database, RETENTION_LOCK))) return { ran: false, anonymised: 0 };
		const ids = await due(tx, cutoff);
		for (const id of ids) await anonymiseResident(tx, id, now);
		return { ran: true, anonymised: ids.length };
	});
}

export interface RetentionJob {
	stop(): Promise<void>;
}

/** Runs now and then every hour (more often while a backlog remains), never two runs at once here. */
export function startRetention(database: Database, days: number, everyMs = RUN_EVERY_MS): RetentionJob {
	let running: Promise<void> | null = null;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let stopped = false;
	const schedule = (ms: number) => {
		if (stopped) return;
		timer = setTimeout(run, ms);
		timer.unref();
	};
	const run = () => {
		running ??= runRetention(database, days)
			.then((r) => {
				if (r.anonymised) log.info({ anonymised: r.anonymised, days }, 'retention run');
				// A full batch means more are waiting: go on soon rather than in an hour.
				schedule(r.anonymised >= BATCH ? 1_000 : everyMs);
			})
			.catch((e: unknown) => {
				// The database out of reach is logged once by the outage watch; the next run comes sooner.
				const unavailable = outageWatch(database).report(e, 'retention');
				if (!unavailable) log.error({ err: e }, 'retention run failed');
				schedule(unavailable ? Math.min(everyMs, 60_000) : everyMs);
			})
			.finally(() => {
				running = null;
			});
	};
	run();
	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await running;
		}
	};
}
