/**
 * What the server does while its database is out of reach (PostgreSQL stopped or restarting, the network
 * cut): it stays up, answers 503 at once rather than queueing requests behind connection attempts, and
 * notices by itself when the database is back.
 *
 * An error that says the database cannot be reached (see `isDatabaseUnavailable`) is checked with one
 * bounded round trip before anything is decided, so a single broken connection (a backend terminated, a
 * connection recycled) does not turn requests away. When the round trip fails too, the database is
 * down: that is logged once, requests get 503 without touching the pool, and a probe tries a round trip
 * every second until one succeeds, which is logged once and tells whoever waits (`onBack`: the live
 * hub, to resume its streams).
 */
import { log } from '../log';
import type { Database } from './client';

/** Connection-level codes: postgres.js's own, the socket's, and PostgreSQL's for a server going away. */
const UNAVAILABLE_CODES = new Set([
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'EHOSTDOWN',
	'ENETUNREACH',
	'ENETDOWN',
	'ENOTFOUND',
	'EAI_AGAIN',
	// admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery)
	'57P01',
	'57P02',
	'57P03',
	// too_many_connections
	'53300'
]);

/** What the bounded health round trip throws when the database does not answer in time. */
export class DatabaseTimeoutError extends Error {
	code = 'DATABASE_TIMEOUT';
	constructor() {
		super('database did not answer in time');
	}
}

function codeOf(e: unknown): string | undefined {
	if (!e || typeof e !== 'object') return undefined;
	const code = (e as { code?: unknown }).code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * The connection-level code of an error, looking through wrappers (drizzle wraps the driver's error in
 * `cause`), or undefined when the error is about the query itself (a constraint, a syntax error).
 */
export function unavailableCode(e: unknown): string | undefined {
	let current = e;
	for (let depth = 0; depth < 5 && current; depth++) {
		const code = codeOf(current);
		// SQLSTATE class 08 is "connection exception".
		if (code && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code === 'DATABASE_TIMEOUT'))
			return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export function isDatabaseUnavailable(e: unknown): boolean {
	return unavailableCode(e) !== undefined;
}

/** A round trip that gives up after `ms`: a database that hangs counts as down, not as slow. */
export async function boundedPing(ping: () => Promise<void>, ms: number): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		await Promise.race([
			ping(),
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new DatabaseTimeoutError()), ms);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

export interface OutageOptions {
	/** How long one round trip may take. */
	pingTimeoutMs?: number;
	/** How often the probe tries while the database is down. */
	probeEveryMs?: number;
	now?: () => number;
}

export interface OutageWatch {
	/** True from a confirmed failure until a round trip succeeds again. */
	isDown(): boolean;
	/**
	 * Hands over an error from the database. Returns whether it says the database cannot be reached (the
	 * caller then answers 503, or skips its work); such an error starts a check, which marks the database
	 * down when a round trip fails too.
	 */
	report(e: unknown, source: string): boolean;
	/**
	 * A round trip's outcome seen elsewhere (the health check): keeps the state current without a probe. A
	 * round trip that timed out marks nothing down.
	 */
	observed(up: boolean, source: string, e?: unknown): void;
	/** Called each time the database comes back after being down. */
	onBack(fn: () => void): () => void;
	/** Stops the probe (at shutdown). */
	stop(): void;
}

export function createOutageWatch(ping: () => Promise<void>, options: OutageOptions = {}): OutageWatch {
	const pingTimeoutMs = options.pingTimeoutMs ?? 2000;
	const probeEveryMs = options.probeEveryMs ?? 1000;
	const now = options.now ?? Date.now;
	let downSince: number | null = null;
	let checking = false;
	let probe: ReturnType<typeof setTimeout> | null = null;
	let stopped = false;
	const waiting = new Set<() => void>();

	const markDown = (source: string, e: unknown) => {
		if (downSince !== null || stopped) return;
		downSince = now();
		// The code only: a driver error carries the failed statement and its parameters.
		log.warn(
			{ source, reason: unavailableCode(e) ?? codeOf(e) ?? 'unknown' },
			'database unavailable: answering 503 until it is back'
		);
		scheduleProbe();
	};

	const markUp = () => {
		if (downSince === null) return;
		const downForMs = now() - downSince;
		downSince = null;
		if (probe) clearTimeout(probe);
		probe = null;
		log.info({ downForMs }, 'database reachable again');
		for (const fn of waiting) {
			try {
				fn();
			} catch (err) {
				log.warn({ err }, 'database-back listener failed');
			}
		}
	};

	const scheduleProbe = () => {
		if (stopped || probe) return;
		probe = setTimeout(() => {
			probe = null;
			boundedPing(ping, pingTimeoutMs).then(markUp, () => scheduleProbe());
		}, probeEveryMs);
		probe.unref?.();
	};

	return {
		isDown: () => downSince !== null,
		report(e, source) {
			if (!isDatabaseUnavailable(e)) return false;
			if (downSince === null && !checking && !stopped) {
				checking = true;
				boundedPing(ping, pingTimeoutMs)
					.then(
						() => {},
						(err: unknown) => markDown(source, err)
					)
					.finally(() => {
						checking = false;
					});
			}
			return true;
		},
		observed(up, source, e) {
			if (up) markUp();
			// A round trip that only ran out of time says the database is busy (every pooled connection
			// in use, a long transaction on the embedded one) as much as gone: the check answers 503 for
			// itself, but requests are turned away only on an error that says the database is out of reach.
			else if (unavailableCode(e) !== 'DATABASE_TIMEOUT') markDown(source, e);
		},
		onBack(fn) {
			waiting.add(fn);
			return () => waiting.delete(fn);
		},
		stop() {
			stopped = true;
			if (probe) clearTimeout(probe);
			probe = null;
		}
	};
}

const watches = new WeakMap<Database, OutageWatch>();

/** The process's watch over a database. */
export function outageWatch(database: Database): OutageWatch {
	let watch = watches.get(database);
	if (!watch) {
		watch = createOutageWatch(() => database.ping());
		watches.set(database, watch);
	}
	return watch;
}
