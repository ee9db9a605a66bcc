/**
 * One module chooses the database: a real PostgreSQL through postgres.js when DATABASE_URL is set,
 * otherwise embedded PGlite in a local folder, so the app runs with nothing else installed. Both speak
 * the same SQL and get the same migrations.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { ExtractTablesWithRelations, Logger } from 'drizzle-orm';
import { acquireDirLock, type DirLock } from './dir-lock';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Use cases take either, so they can run inside a caller's transaction. */
export type DbOrTx = Db | Tx;

export type Listener = (payload: string) => void;

export interface Database {
	kind: 'postgres' | 'pglite';
	db: Db;
	/** A round trip to the database; throws when it is unreachable. */
	ping(): Promise<void>;
	/**
	 * LISTEN on a channel; returns a function that stops listening. Listening survives a lost connection:
	 * it starts again when the database answers, and `onRelisten` says so (notices sent in between are
	 * lost, so a listener re-reads what it shows).
	 */
	listen(channel: string, onPayload: Listener, onRelisten?: () => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
	/** For PostgreSQL only: the connection string, for tools that need their own connection. */
	url?: string;
}

export interface OpenOptions {
	databaseUrl?: string;
	pgliteDir?: string;
	poolMax?: number;
	/** Sees every statement drizzle sends (the query-plan tests read them back to EXPLAIN them). */
	logger?: Logger;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
	if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10, options.logger);
	return openPglite(options.pgliteDir ?? './data/pglite', options.logger);
}

/**
 * The client as drizzle sees it, with every statement prepared: drizzle sends its statements through
 * `unsafe` with `prepare: false` unless a query is given a name, so PostgreSQL would parse and plan
 * each one on every call. postgres.js keeps one named statement per query text on each connection
 * (recycled with the connection, see `max_lifetime`), as it does for its own tagged queries. The same
 * holds inside transactions and savepoints, which hand out a client of their own.
 */
export function withPreparedStatements<T extends postgres.Sql>(client: T): T {
	return new Proxy(client, {
		get(target, prop, receiver) {
			if (prop === 'unsafe')
				return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
					target.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare: true });
			if (prop === 'begin' || prop === 'savepoint')
				return (...args: unknown[]) => {
					const run = args.pop() as (tx: postgres.Sql) => unknown;
					const call = Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown;
					return call.call(target, ...args, (tx: postgres.Sql) => run(withPreparedStatements(tx)));
				};
			const value = Reflect.get(target, prop, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}

/**
 * Seconds to wait before connecting again after the `retries`-th failed attempt in a row. The driver's
 * own default grows to 20 s, and the outage probe, the listener and any request wait that long, so the
 * app came back up to 20 s after its database did. While the database is down only the probe (once a
 * second) and the listener try (requests are answered 503 without trying, see outage.ts), so a short
 * wait costs nothing.
 */
export function reconnectDelay(retries: number): number {
	return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 0.5);
}

function openPostgres(url: string, max: number, logger?: Logger): Database {
	const client = postgres(url, {
		max,
		onnotice: () => {},
		backoff: reconnectDelay,
		// A database that does not answer at all (a cut network) fails a connection in 10 s, not 30.
		connect_timeout: 10,
		// Timestamps come back as Date; numeric columns are mapped by drizzle.
		connection: { application_name: 'isolation-care' }
	});
	const db = drizzlePostgres({ client: withPreparedStatements(client), schema, logger }) as unknown as Db;
	let closed = false;
	return {
		kind: 'postgres',
		db,
		url,
		async ping() {
			await client`select 1`;
		},
		async listen(channel, onPayload, onRelisten) {
			// postgres.js listens on a connection of its own and listens again each time that connection
			// closes, retrying until the database answers; it calls `onlisten` after every LISTEN.
			let first = true;
			const sub = await client.listen(channel, onPayload, () => {
				if (first) first = false;
				else onRelisten?.();
			});
			return async () => {
				await sub.unlisten().catch(() => {});
			};
		},
		async close() {
			if (closed) return;
			closed = true;
			await client.end({ timeout: 5 });
		}
	};
}

async function openPglite(dir: string, logger?: Logger): Promise<Database> {
	const inMemory = dir.startsWith('memory://');
	let lock: DirLock | null = null;
	if (!inMemory) {
		const abs = resolve(dir);
		mkdirSync(abs, { recursive: true });
		// PGlite has no lock of its own; two processes on one folder corrupt it.
		lock = acquireDirLock(abs);
	}
	let client: PGlite;
	try {
		client = inMemory ? await PGlite.create() : await PGlite.create(resolve(dir));
	} catch (e) {
		lock?.release();
		throw e;
	}
	const db = drizzlePglite({ client, schema, logger }) as unknown as Db;
	let closed = false;
	return {
		kind: 'pglite',
		db,
		async ping() {
			if (closed) throw new Error('database closed');
			await db.execute(sql`select 1`);
		},
		async listen(channel, onPayload) {
			const unsub = await client.listen(channel, onPayload);
			return async () => {
				if (!closed) await unsub().catch(() => {});
			};
		},
		async close() {
			if (closed) return;
			closed = true;
			await client.close();
			lock?.release();
		}
	};
}
