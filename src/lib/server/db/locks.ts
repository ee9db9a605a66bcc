/**
 * Transaction-scoped PostgreSQL advisory locks, for jobs that several servers may start at once: the
 * first takes the lock, the others skip. PGlite has one process per data folder and runs one transaction
 * at a time, so there the lock is always "taken".
 */
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from './client';
import { rowsOf } from './raw';

/** Tries the lock for the rest of the transaction; false when another server holds it. */
export async function tryTransactionLock(tx: DbOrTx, database: Database, key: number): Promise<boolean> {
	if (database.kind !== 'postgres') return true;
	const [row] = rowsOf<{ locked: boolean }>(
		await tx.execute(sql`select pg_try_advisory_xact_lock(${key}) as locked`)
	);
	return row?.locked === true;
}
