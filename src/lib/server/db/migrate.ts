import { resolve } from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import type { Database } from './client';

/** Any stable number: the advisory lock that lets only one server migrate at a time. */
const MIGRATION_LOCK = 7_310_001;

/**
 * Applies the committed SQL migrations. On PostgreSQL several servers may start at once, so the work is
 * done on one dedicated connection holding an advisory lock; the others wait and then find nothing to do.
 */
export async function migrate(database: Database, migrationsDir = './drizzle'): Promise<void> {
	const migrationsFolder = resolve(migrationsDir);
	if (database.kind === 'pglite') {
		await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
		return;
	}
	const client = postgres(database.url!, { max: 1, onnotice: () => {} });
	try {
		await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
		await migratePostgres(drizzlePostgres({ client }), { migrationsFolder });
		await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
	} finally {
		await client.end({ timeout: 5 });
	}
}
