/**
 * npm run db:backup [-- FILE]       PostgreSQL (DATABASE_URL): pg_dump custom format to FILE
 *                                   (default backups/isolation-care-<time>.dump).
 *                                   Embedded: a copy of PGLITE_DIR (the server must be stopped) to FILE
 *                                   (default backups/pglite-<time>/).
 * npm run db:restore -- FILE        PostgreSQL: into the empty database of DATABASE_URL (create it first).
 *                                   Embedded: FILE (a copied folder) becomes PGLITE_DIR, which must not exist.
 * Both print the row counts and a checksum of the readings, to compare a restore with its backup.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase, type Database } from '../src/lib/server/db';
import {
	backupPostgres,
	copyPgliteDir,
	readingsChecksum,
	restorePostgres,
	rowCounts
} from '../src/lib/server/db/backup';

const [command, file] = process.argv.slice(2);
const config = loadConfig(process.env);
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');

async function summary(open: () => Promise<Database>): Promise<void> {
	const database = await open();
	try {
		const counts = await rowCounts(database.db);
		const total = Object.values(counts).reduce((a, b) => a + b, 0);
		console.log(`  ${Object.keys(counts).length} tables, ${total} rows (readings: ${counts.readings ?? 0})`);
		console.log(`  readings checksum ${await readingsChecksum(database.db)}`);
	} finally {
		await database.close();
	}
}

async function main() {
	const pg = config.DATABASE_URL;
	const pgliteDir = config.PGLITE_DIR;
	if (command === 'backup') {
		const out =
			file ?? (pg ? join('backups', `isolation-care-${stamp}.dump`) : join('backups', `pglite-${stamp}`));
		mkdirSync(dirname(out), { recursive: true });
		if (pg) backupPostgres(pg, out);
		else copyPgliteDir(pgliteDir, out);
		console.log(`Backup written to ${out}`);
		// The embedded database's figures are read from the (stopped) original: opening the copy would write to it.
		await summary(() => openDatabase(pg ? { databaseUrl: pg, poolMax: 1 } : { pgliteDir }));
		return;
	}
	if (command === 'restore') {
		if (!file) throw new Error('Name the backup: npm run db:restore -- FILE');
		if (pg) restorePostgres(pg, file);
		else copyPgliteDir(file, pgliteDir);
		console.log(`Restored ${file} into ${pg ? 'the database of DATABASE_URL' : pgliteDir}`);
		await summary(() => (pg ? openDatabase({ databaseUrl: pg, poolMax: 1 }) : openDatabase({ pgliteDir })));
		return;
	}
	throw new Error(`Unknown command "${command ?? ''}": use backup or restore`);
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
