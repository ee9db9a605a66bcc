/**
 * An acknowledged write must survive a crash: the server answers only after commit, and that promise is
 * worth nothing when PostgreSQL itself skips flushing to disk. With `fsync` or `full_page_writes` off a
 * power cut can corrupt the database; with `synchronous_commit` off the last committed transactions can
 * vanish after we answered 201. So the server refuses to start on such a database, and says which
 * setting to change. (PGlite is a trial database in one folder and has no such promise to keep.)
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client';

export const DURABILITY_SETTINGS = ['fsync', 'full_page_writes', 'synchronous_commit'] as const;
export type DurabilitySetting = (typeof DURABILITY_SETTINGS)[number];

/** The settings that are off, from name → value as PostgreSQL reports them. Pure, for tests. */
export function unsafeSettings(values: Partial<Record<DurabilitySetting, string>>): DurabilitySetting[] {
	// synchronous_commit = local still waits for the local WAL flush; only `off` gives up durability.
	return DURABILITY_SETTINGS.filter((name) => (values[name] ?? 'on').trim().toLowerCase() === 'off');
}

export function durabilityMessage(off: DurabilitySetting[]): string {
	return (
		`PostgreSQL runs with ${off.map((n) => `${n} = off`).join(', ')}: acknowledged writes could be lost ` +
		`in a crash. Turn ${off.length > 1 ? 'them' : 'it'} back on (postgresql.conf, ALTER SYSTEM, or ALTER ` +
		`DATABASE/ROLE … RESET) and restart Isolation Care.`
	);
}

export class UnsafeDatabaseError extends Error {
	constructor(readonly off: DurabilitySetting[]) {
		super(durabilityMessage(off));
		this.name = 'UnsafeDatabaseError';
	}
}

/** Reads the settings as this server's own connections see them and throws when any is off. */
export async function assertDurable(db: Db): Promise<void> {
	const result = await db.execute(
		sql`select current_setting('fsync') as fsync,
		           current_setting('full_page_writes') as full_page_writes,
		           current_setting('synchronous_commit') as synchronous_commit`
	);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
		DurabilitySetting,
		string
	>[];
	const off = unsafeSettings(rows[0] ?? {});
	if (off.length) throw new UnsafeDatabaseError(off);
}
