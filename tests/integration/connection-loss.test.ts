/**
 * Connections that die under the app (PostgreSQL restarting, backends terminated, the network cut): the
 * process must live on, statements must fail with a connection error rather than hang or get another
 * statement's rows, and the pool must work again afterwards. These are the faults of the driver that
 * src/lib/server/db/postgres-guard.ts guards against; this project loads the driver with the guards, as
 * the built server does. PostgreSQL only: PGlite has no connections to lose.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { unavailableCode } from '../../src/lib/server/db/outage';
import { rowsOf } from '../../src/lib/server/db/raw';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';

const onPostgres = engine === 'postgres';

let tdb: TestDatabase;
let admin: postgres.Sql;
let dbName = '';

/** Terminates this test database's own backends (the app's connections), each with probability p. */
async function terminate(p = 1): Promise<number> {
	const [row] = await admin<{ n: number }[]>`
		select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
		where datname = ${dbName} and application_name = 'isolation-care' and random() < ${p}`;
	return row!.n;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	return Promise.race([
		p,
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms);
		})
	]).finally(() => clearTimeout(timer));
}

describe.runIf(onPostgres)('lost connections', () => {
	beforeAll(async () => {
		tdb = await createTestDatabase();
		admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
		const [row] = rowsOf<{ name: string }>(await tdb.db.execute(sql`select current_database() as name`));
		dbName = row!.name;
	});
	afterAll(async () => {
		await admin?.end();
		await tdb?.destroy();
	});

	it('a transaction whose backend is terminated fails with a connection error, and the next one works', async () => {
		// Before the guard this ended the process: the driver sent `rollback` on the dead connection from
		// a timer (porsager/postgres#1208).
		const failed = await tdb.db
			.transaction(async (tx) => {
				await tx.execute(sql`select 1`);
				setTimeout(() => void terminate(), 100);
				await tx.execute(sql`select pg_sleep(3)`);
			})
			.then(
				() => null,
				(e: unknown) => e
			);
		expect(unavailableCode(failed)).toBeDefined();
		// Let the driver's timers run: a throw from one would fail this test file.
		await new Promise((r) => setTimeout(r, 300));
		const rows = rowsOf<{ n: number }>(await tdb.db.transaction((tx) => tx.execute(sql`select 41 + 1 as n`)));
		expect(rows).toEqual([{ n: 42 }]);
	});

	it('the first statement on a reconnected connection does not inherit the old one’s error', async () => {
		// One connection, so the statements after the termination run on the reconnected one.
		const one = await openDatabase({ databaseUrl: tdb.url!, poolMax: 1 });
		try {
			const slow = one.db.execute(sql`select pg_sleep(3)`).then(
				() => null,
				(e: unknown) => e
			);
			await new Promise((r) => setTimeout(r, 200));
			await terminate();
			expect(unavailableCode(await slow)).toBeDefined();
			// Before the guard the next statement failed with the old one's 57P01 ("terminating connection
			// due to administrator command").
			for (let i = 0; i < 3; i++) {
				const rows = rowsOf<{ i: number }>(await one.db.execute(sql`select ${i}::int as i`));
				expect(rows).toEqual([{ i }]);
			}
		} finally {
			await one.close();
		}
	});

	it('under load, with backends terminated at random: no hang, no wrong rows, and all works after', async () => {
		const deadline = Date.now() + 4000;
		const failures = new Map<string, number>();
		let done = 0;
		const worker = async (w: number) => {
			for (let i = 0; Date.now() < deadline; i++) {
				const v = w * 100_000 + i;
				try {
					if (i % 2) {
						const got = await within(
							tdb.db.transaction(async (tx) => {
								const a = rowsOf<{ v: number }>(await tx.execute(sql`select ${v}::int as v`));
								await tx.execute(sql`select pg_sleep(${Math.random() * 0.02})`);
								// Many rows, so that a connection can die in the middle of a result.
								const b = rowsOf<{ n: number }>(
									await tx.execute(sql`select ${v}::int + g as n from generate_series(1, 300) g`)
								);
								return [a, b] as const;
							}),
							15_000,
							'a transaction'
						);
						expect(got[0]).toEqual([{ v }]);
						expect(got[1]).toHaveLength(300);
						expect(got[1][299]).toEqual({ n: v + 300 });
					} else {
						const rows = await within(
							tdb.db.execute(sql`select ${v}::int as v, pg_sleep(${Math.random() * 0.01})`),
							15_000,
							'a statement'
						);
						expect(rowsOf<{ v: number }>(rows).map((r) => r.v)).toEqual([v]);
					}
					done++;
				} catch (e) {
					const code = unavailableCode(e);
					// Anything else (a wrong row, a hang, a query error) fails the test.
					if (!code) throw e;
					failures.set(code, (failures.get(code) ?? 0) + 1);
				}
			}
		};
		let killed = 0;
		const killer = (async () => {
			while (Date.now() < deadline) {
				killed += await terminate(0.3);
				await new Promise((r) => setTimeout(r, 150));
			}
		})();
		await Promise.all([...Array.from({ length: 16 }, (_, w) => worker(w)), killer]);
		expect(killed).toBeGreaterThan(0);
		expect(done).toBeGreaterThan(0);
		await new Promise((r) => setTimeout(r, 300));
		for (let i = 0; i < 30; i++) {
			const rows = rowsOf<{ i: number }>(await tdb.db.execute(sql`select ${i}::int as i`));
			expect(rows).toEqual([{ i }]);
		}
	}, 60_000);
});
