/**
 * The server refuses a PostgreSQL that could lose acknowledged writes. Checked here on a real server
 * with synchronous_commit turned off for one database (the crash test checks fsync and
 * full_page_writes on a cluster of its own, since those are server-wide).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { assertDurable, UnsafeDatabaseError } from '../../src/lib/server/db/durability';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';

describe.runIf(engine === 'postgres')('durability check (PostgreSQL)', () => {
	let tdb: TestDatabase;
	beforeAll(async () => {
		tdb = await createTestDatabase();
	});
	afterAll(async () => {
		await tdb?.destroy();
	});

	it('passes on a server as it ships', async () => {
		await expect(assertDurable(tdb.db)).resolves.toBeUndefined();
	});

	it('refuses a database with synchronous_commit off, naming the setting', async () => {
		const name = new URL(tdb.url!).pathname.slice(1);
		const admin = postgres(tdb.url!, { max: 1, onnotice: () => {} });
		await admin.unsafe(`alter database ${name} set synchronous_commit = off`);
		await admin.end();
		const fresh = await openDatabase({ databaseUrl: tdb.url!, poolMax: 1 });
		try {
			const refusal = await assertDurable(fresh.db).catch((e: unknown) => e);
			expect(refusal).toBeInstanceOf(UnsafeDatabaseError);
			expect((refusal as UnsafeDatabaseError).off).toEqual(['synchronous_commit']);
			expect((refusal as Error).message).toContain('synchronous_commit = off');
		} finally {
			await fresh.close();
		}
	});
});
