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
import { outageWatch } from './db/outage';
import { endEventStreams } from './live';
import { log } from './log';
import { startWarming } from './dashboard/warm';
import { startRetention } from './retention';
import { startScheduler } from './scheduler';

let started: Promise<Database> | null = null;
let config: Config | null = null;

/** Requests whose handlers are running (counted by the first hook), and who waits for them to end. */
let inFlight = 0;
let onIdle: (() => void) | null = null;

/** Counts a request from the moment the hooks see it; call the returned function when it is answered. */
export function requestStarted(): () => void {
	inFlight++;
	let done = false;
	return () => {
		if (done) return;
		done = true;
		inFlight--;
		if (inFlight === 0) onIdle?.();
	};
}

/** Resolves when no request handler runs any more, or after `ms` at the latest. */
function handlersDone(ms: number): Promise<void> {
	if (inFlight === 0) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(finish, ms);
		function finish() {
			clearTimeout(timer);
			onIdle = null;
			resolve();
		}
		onIdle = finish;
	});
}

/** How long the handlers of requests cut off at SHUTDOWN_TIMEOUT may still run before the database closes. */
const HANDLER_GRACE_MS = 5_000;
/** After the database closed, the process exits even if something (a stray timer) still holds it. */
const EXIT_GRACE_MS = 3_000;

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
	// So does counting the night's settled dashboard figures before headquarters opens the report.
	const warming = config.SCHEDULER === 'on' ? startWarming(db) : null;

	// Shutdown (SIGTERM, SIGINT): adapter-node stops accepting connections, lets the requests in flight
	// finish (up to SHUTDOWN_TIMEOUT, then cuts the connections) and emits `sveltekit:shutdown` once every
	// connection is closed. Live streams never end by themselves, so they are ended at the signal, and the
	// database closes last, once no handler can still be using it.
	const onSignal = () => {
		const streams = endEventStreams();
		log.info({ streams, inFlight }, 'shutting down: finishing the requests in flight');
	};
	process.once('SIGTERM', onSignal);
	process.once('SIGINT', onSignal);
	process.once('sveltekit:shutdown', () => {
		void (async () => {
			// Connections cut at SHUTDOWN_TIMEOUT leave their handlers running; give them a moment.
			await handlersDone(HANDLER_GRACE_MS);
			// Let a running tick finish before the connections close.
			await Promise.all([scheduler?.stop(), retention?.stop(), warming?.stop()]);
			outageWatch(db).stop();
			await database().close();
			log.info('shut down');
		})()
			.catch((err: unknown) => log.error({ err }, 'shutdown failed'))
			.finally(() => setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref());
	});
	return db;
}
