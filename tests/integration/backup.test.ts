/**
 * Backups restore to the same data: every table's row count and a checksum over every reading match.
 * PostgreSQL: pg_dump's custom format restored into a fresh database. The embedded database: a copy of
 * its folder, refused while a server holds it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/lib/server/db';
import {
	backupPostgres,
	copyPgliteDir,
	readingsChecksum,
	restorePostgres,
	rowCounts
} from '../../src/lib/server/db/backup';
import { DirLockedError } from '../../src/lib/server/db/dir-lock';
import { seedDemo } from '../../src/lib/server/db/seed';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';

const work = mkdtempSync(join(tmpdir(), 'ic-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.runIf(engine === 'postgres')('PostgreSQL backup and restore', () => {
	let tdb: TestDatabase;
	let freshUrl = '';
	const freshName = `ic_restore_${Date.now().toString(36)}`;
	const admin = () => postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });

	beforeAll(async () => {
		tdb = await createTestDatabase();
		await seedDemo(tdb.db);
		const a = admin();
		await a.unsafe(`create database ${freshName}`);
		await a.end();
		const url = new URL(tdb.url!);
		url.pathname = `/${freshName}`;
		freshUrl = url.toString();
	});
	afterAll(async () => {
		await tdb?.destroy();
		const a = admin();
		await a.unsafe(`drop database if exists ${freshName} with (force)`);
		await a.end();
	});

	it('restores into a fresh database with the same rows and the same readings', async () => {
		const file = join(work, 'demo.dump');
		backupPostgres(tdb.url!, file);
		restorePostgres(freshUrl, file);
		const restored = await openDatabase({ databaseUrl: freshUrl, poolMax: 1 });
		try {
			const counts = await rowCounts(restored.db);
			expect(counts.readings).toBeGreaterThan(500);
			expect(counts).toEqual(await rowCounts(tdb.db));
			expect(await readingsChecksum(restored.db)).toBe(await readingsChecksum(tdb.db));
		} finally {
			await restored.close();
		}
	});

	it('refuses to restore over a database that has data, and leaves it as it was', async () => {
		const file = join(work, 'demo.dump');
		const before = await rowCounts(tdb.db);
		expect(() => restorePostgres(tdb.url!, file)).toThrow(/pg_restore failed/);
		expect(await rowCounts(tdb.db)).toEqual(before);
	});
});

describe.runIf(engine === 'pglite')('embedded database backup and restore', () => {
	const source = join(work, 'pglite');
	beforeAll(async () => {
		const database = await openDatabase({ pgliteDir: source });
		await migrate(database, './drizzle');
		await seedDemo(database.db);
		await database.close();
	});

	it('refuses to copy the folder while a server holds it', async () => {
		const running = await openDatabase({ pgliteDir: source });
		try {
			expect(() => copyPgliteDir(source, join(work, 'refused'))).toThrow(DirLockedError);
		} finally {
			await running.close();
		}
	});

	it('a copied folder opens with the same rows and the same readings', async () => {
		const target = join(work, 'restored');
		copyPgliteDir(source, target);
		const [original, restored] = [
			await openDatabase({ pgliteDir: source }),
			await openDatabase({ pgliteDir: target })
		];
		try {
			const counts = await rowCounts(restored.db);
			expect(counts.readings).toBeGreaterThan(500);
			expect(counts).toEqual(await rowCounts(original.db));
			expect(await readingsChecksum(restored.db)).toBe(await readingsChecksum(original.db));
		} finally {
			await original.close();
			await restored.close();
		}
	});
});
