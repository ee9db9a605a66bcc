/**
 * Every integration test file owns its database: a fresh in-memory PGlite, or (TEST_ENGINE=postgres) a
 * fresh database created on the server of TEST_DATABASE_URL and dropped afterwards, so runs never see
 * each other's rows. Migrations are the committed ones, applied as the server applies them.
 */
import postgres from 'postgres';
import type { Logger } from 'drizzle-orm';
import { randomKeyring } from '../../../src/lib/server/auth/secret-box';
import { useTotpKeyring } from '../../../src/lib/server/auth/totp-secrets';
import { migrate, openDatabase, useDatabase, type Database } from '../../../src/lib/server/db';

export const engine = (process.env.TEST_ENGINE ?? 'pglite') as 'pglite' | 'postgres';

export interface TestDatabase extends Database {
	/** Closes the connections and drops the database (PostgreSQL). */
	destroy(): Promise<void>;
}

export async function createTestDatabase(options: { logger?: Logger } = {}): Promise<TestDatabase> {
	let database: Database;
	let drop = async () => {};
	if (engine === 'postgres') {
		const adminUrl = process.env.TEST_DATABASE_URL;
		if (!adminUrl) throw new Error('TEST_ENGINE=postgres needs TEST_DATABASE_URL');
		const name = `ic_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
		const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		await admin.end();
		const url = new URL(adminUrl);
		url.pathname = `/${name}`;
		database = await openDatabase({ databaseUrl: url.toString(), poolMax: 8, logger: options.logger });
		drop = async () => {
			const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await a.unsafe(`drop database if exists ${name} with (force)`);
			await a.end();
		};
	} else {
		database = await openDatabase({ pgliteDir: 'memory://', logger: options.logger });
	}
	await migrate(database, './drizzle');
	useDatabase(database);
	// Second-factor secrets are sealed with a key of this file's own, as the server's lives in its settings.
	useTotpKeyring(randomKeyring());
	return {
		...database,
		async destroy() {
			await database.close();
			await drop();
		}
	};
}
