/**
 * Backups and restores, for `npm run db:backup` / `npm run db:restore`.
 *
 * PostgreSQL: pg_dump's custom format (compressed, restorable table by table with pg_restore), taken
 * from a running server in one consistent snapshot. The embedded database: a copy of its folder, taken
 * while no server runs (its lock file is held during the copy, so a running server makes it refuse).
 * After either, the row counts and a checksum of the readings are printed, so a restore can be compared
 * with the backup it came from.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { acquireDirLock } from './dir-lock';
import { rowsOf } from './raw';

/** pg_dump and pg_restore: PG_BIN when set, else the newest installed PostgreSQL, else the PATH. */
export function pgTool(name: 'pg_dump' | 'pg_restore', pgBin = process.env.PG_BIN): string {
	if (pgBin) return resolve(pgBin, name);
	const root = '/usr/lib/postgresql';
	if (existsSync(root)) {
		const versions = readdirSync(root)
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		for (const v of versions) if (existsSync(`${root}/${v}/bin/${name}`)) return `${root}/${v}/bin/${name}`;
	}
	return name;
}

function run(tool: string, args: string[]): void {
	try {
		execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	} catch (e) {
		const err = e as { stderr?: Buffer; message: string };
		throw new Error(`${tool} failed: ${err.stderr?.toString().trim() || err.message}`, { cause: e });
	}
}

export function backupPostgres(url: string, file: string): void {
	run(pgTool('pg_dump'), [
		'--format=custom',
		'--no-owner',
		'--no-privileges',
		`--file=${file}`,
		`--dbname=${url}`
	]);
}

/**
 * Restores into an empty database (create it first): restoring over live data would mix two states.
 * Every statement must succeed, or the restore stops.
 */
export function restorePostgres(url: string, file: string): void {
	if (!existsSync(file)) throw new Error(`No backup file at ${file}`);
	run(pgTool('pg_restore'), [
		'--no-owner',
		'--no-privileges',
		'--exit-on-error',
		'--single-transaction',
		`--dbname=${url}`,
		file
	]);
}

/** Copies a stopped embedded database's folder to `target`, which must not exist yet. */
export function copyPgliteDir(source: string, target: string): void {
	const from = resolve(source);
	const to = resolve(target);
	if (!existsSync(from)) throw new Error(`No embedded database at ${from}`);
	if (existsSync(to) && readdirSync(to).length) throw new Error(`${to} exists and is not empty`);
	// Throws DirLockedError, naming the process, when a server holds the folder.
	const lock = acquireDirLock(from);
	try {
		cpSync(from, to, { recursive: true, errorOnExist: true });
	} finally {
		lock.release();
	}
}

/** Rows per table of the public schema, by name. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
	const tables = rowsOf<{ name: string }>(
		await db.execute(
			sql`select table_name as name from information_schema.tables
			    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`
		)
	);
	const counts: Record<string, number> = {};
	for (const { name } of tables) {
		const [row] = rowsOf<{ n: number | string }>(
			await db.execute(sql`select count(*) as n from ${sql.identifier(name)}`)
		);
		counts[name] = Number(row!.n);
	}
	return counts;
}

/** An MD5 over every reading, in id order: equal on backup and restore when no reading changed. */
export async function readingsChecksum(db: Db): Promise<string> {
	const [row] = rowsOf<{ sum: string | null }>(
		await db.execute(
			sql`select md5(coalesce(string_agg(r::text, '|' order by r.id), '')) as sum from readings r`
		)
	);
	return row!.sum ?? '';
}
