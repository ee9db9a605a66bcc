/**
 * The process-wide database. The server opens it once in `init` (hooks.server.ts); tests open their own
 * and install it with `useDatabase`. Use cases call `db()` at call time, never at import time, so that
 * `vite build` (which imports server modules) never opens a database.
 */
import type { Database, Db } from './client';

export * from './client';
export { migrate } from './migrate';

let current: Database | null = null;

export function useDatabase(database: Database | null): void {
	current = database;
}

export function database(): Database {
	if (!current) throw new Error('The database is not open yet');
	return current;
}

export function db(): Db {
	return database().db;
}
