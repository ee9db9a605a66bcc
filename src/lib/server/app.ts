/**
 * Server start: settings, database, migrations, demo seed, and the printed welcome. Runs once per
 * process from the `init` hook (never at import time: `vite build` imports server modules).
 */
import { loadTotpKeyring, sealStoredTotpKeys, useTotpKeyring } from './auth/totp-secrets';
import { useTestClock } from './clock';
import { loadConfig, type Config } from './config';
import { database, migrate, openDatabase, useDatabase, type Database } from './db';
import { assertDurable, UnsafeDatabaseError } from './db/durability';
import { demoDevice, demoLogins, formatLogins, seedIfEmpty } from './db/seed';
import { log } from './log';
import { startRetention } from './retention';
import { startScheduler } from './scheduler';

let started: Promise<Database> | null = null;
let config: Config | null = null;

export function appConfig(): Config {
	if (!config) throw new Error('The app has not started');
	return config;
}

export function startApp(env: Record<string, string | undefined>): Promise<Database> {
	started ??= start(env);
	return started;
}

async function start(env: Record<string, string | undefined>): Promise<Database> {
	config = loadConfig(env);
	// Before anything opens: a server without the key for second-factor secrets refuses to start.
	const totpKeys = loadTotpKeyring(config);
	useTotpKeyring(totpKeys.keyring);
	for (const warning of totpKeys.warnings) log.warn(warning);
	// The key's id only (a fingerprint): every server of a deployment must show the same one.
	log.info(
		{
			keyId: totpKeys.keyring.currentId,
			source: totpKeys.source,
			file: totpKeys.file,
			created: totpKeys.created
		},
		totpKeys.created ? 'second-factor key made: keep a copy apart from the backups' : 'second-factor key'
	);
	useTestClock(config.TEST_CLOCK_FILE);
	if (config.TEST_CLOCK_FILE) log.warn('test clock on: follow-up pages read their time from TEST_CLOCK_FILE');
	const db = await openDatabase({
		databaseUrl: config.DATABASE_URL,
		pgliteDir: config.PGLITE_DIR,
		poolMax: config.DATABASE_POOL_MAX
	});
	if (db.kind === 'postgres') {
		try {
			await assertDurable(db.db);
		} catch (e) {
			await db.close();
			if (e instanceof UnsafeDatabaseError) log.fatal({ off: e.off }, e.message);
			throw e;
		}
	}
	useDatabase(db);
	await migrate(db, config.MIGRATIONS_DIR);
	log.info({ database: db.kind }, 'database ready');

	// Demo data goes only into an embedded database unless asked for: a real PostgreSQL is for real residents.
	const seedAllowed = config.DEMO_SEED === 'on' || (config.DEMO_SEED === 'auto' && db.kind === 'pglite');
	if (seedAllowed) {
		const made = await seedIfEmpty(db.db);
		if (made) log.info({ residents: made.residents, readings: made.readings }, 'demo data seeded');
	}
	// Second-factor secrets stored before encryption (or the demo's, just seeded), or sealed with a key
	// since rotated, are sealed with the current key.
	const sealed = await sealStoredTotpKeys(db.db, totpKeys.keyring);
	if (sealed.sealed || sealed.resealed)
		log.info({ ...sealed, keyId: totpKeys.keyring.currentId }, 'second-factor secrets encrypted');
	if (sealed.unreadable)
		log.error(
			{ users: sealed.unreadable, keyIds: totpKeys.keyring.ids },
			'second-factor secrets that no configured key opens: set the key that sealed them in ' +
				'TOTP_ENCRYPTION_OLD_KEYS, or reset those users’ second factor'
		);
	const logins = await demoLogins(db.db);
	if (logins)
		console.log(formatLogins(config.ORIGIN ?? 'http://localhost:3000', logins, await demoDevice(db.db)));

	const scheduler =
		config.SCHEDULER === 'on'
			? startScheduler(db, config.SCHEDULER_INTERVAL_SECONDS * 1000, {
					deliveryOverdueHours: config.DELIVERY_OVERDUE_HOURS
				})
			: null;

	// Retention runs wherever the scheduler does (SCHEDULER=off servers leave both to another server).
	const retention = config.SCHEDULER === 'on' ? startRetention(db, config.RETENTION_DAYS) : null;

	process.once('sveltekit:shutdown', () => {
		// Let a running tick finish before the connections close.
		void Promise.all([scheduler?.stop(), retention?.stop()])
			.then(() => database().close())
			.catch(() => {});
	});
	return db;
}
