/**
 * Live alert changes for open inboxes and boards. Every change to an alert sends `pg_notify('alerts',
 * {stayId, siteId})` inside its transaction; each server process LISTENs once and fans the notices out to
 * its subscribers (server-sent event streams). On PostgreSQL the notice reaches every server; on PGlite
 * the same channel works inside the one process. Notices carry ids only: clients re-read what they see.
 *
 * Stay changes (admission, handover, release, other outcomes) ride the same channel as
 * `{siteId, topic: 'stays'}`, so live figures (the dashboard) follow them without reloading inboxes.
 */
import { sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import type { Database, DbOrTx } from './db';
import { log } from './log';
import { ALERTS_CHANNEL } from './readings/record';

export interface AlertChange {
	stayId: string;
	siteId: string;
	/**
	 * 'stays' for a stay change (no stay id: one notice per site and transaction); 'deliveries' for a
	 * delivery of the stay (with the resident, so their own page can follow it).
	 */
	topic?: 'stays' | 'deliveries';
	residentId?: string;
}

/**
 * Tells live pages that stays of a site changed; delivered when the transaction commits. The payload is
 * the same for every stay of the site, so PostgreSQL folds a bulk admission into one notice.
 */
export async function notifyStays(tx: DbOrTx, siteId: string): Promise<void> {
	await tx.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${JSON.stringify({ siteId, topic: 'stays' })})`);
}

type Subscriber = (change: AlertChange) => void;

export interface LiveHub {
	/**
	 * Calls `onChange` for every change; `onResume` when listening started again after the database
	 * connection was lost (changes in between were not seen: the subscriber re-reads what it shows).
	 */
	subscribe(onChange: Subscriber, onResume?: () => void): Promise<() => void>;
	close(): Promise<void>;
}

function parse(payload: string): AlertChange | null {
	try {
		const v = JSON.parse(payload) as Partial<AlertChange>;
		if (typeof v.siteId !== 'string') return null;
		if (v.topic === 'stays') return { stayId: '', siteId: v.siteId, topic: 'stays' };
		if (v.topic === 'deliveries')
			return typeof v.stayId === 'string' && typeof v.residentId === 'string'
				? { stayId: v.stayId, siteId: v.siteId, topic: 'deliveries', residentId: v.residentId }
				: null;
		return typeof v.stayId === 'string' ? { stayId: v.stayId, siteId: v.siteId } : null;
	} catch {
		return null;
	}
}

function each<T extends unknown[]>(fns: Iterable<(...args: T) => void>, ...args: T) {
	for (const fn of fns) {
		try {
			fn(...args);
		} catch (e) {
			log.warn({ err: e }, 'live subscriber failed');
		}
	}
}

/**
 * One LISTEN per process, opened with the first subscriber and kept; the driver starts it again after a
 * lost connection, and the hub then tells its subscribers to resume.
 */
export function createLiveHub(database: Database): LiveHub {
	const subscribers = new Map<Subscriber, (() => void) | undefined>();
	let listening: Promise<() => Promise<void>> | null = null;
	// A LISTEN whose first attempt failed may still be started later by the driver (it retries on its
	// own): only the latest attempt's handlers deliver, so a notice never arrives twice.
	let attempt = 0;
	const start = () => {
		const mine = ++attempt;
		return database.listen(
			ALERTS_CHANNEL,
			(payload) => {
				if (mine !== attempt) return;
				const change = parse(payload);
				if (change) each(subscribers.keys(), change);
			},
			() => {
				if (mine !== attempt) return;
				log.info({ subscribers: subscribers.size }, 'live updates listening again');
				each([...subscribers.values()].filter((r) => r !== undefined));
			}
		);
	};
	return {
		async subscribe(onChange, onResume) {
			subscribers.set(onChange, onResume);
			listening ??= start().catch((e: unknown) => {
				listening = null;
				throw e;
			});
			try {
				await listening;
			} catch (e) {
				subscribers.delete(onChange);
				throw e;
			}
			return () => {
				subscribers.delete(onChange);
			};
		},
		async close() {
			subscribers.clear();
			attempt++;
			const stop = await listening?.catch(() => null);
			listening = null;
			await stop?.();
		}
	};
}

/** Whether a principal's inbox shows changes of this site. */
export function inScope(principal: Principal, change: AlertChange): boolean {
	return principal.role === 'admin' || principal.siteIds.includes(change.siteId);
}

/** A resident's own page follows only their own deliveries. */
export function ownDeliveries(principal: Principal, change: AlertChange): boolean {
	return (
		change.topic === 'deliveries' && !!principal.residentId && change.residentId === principal.residentId
	);
}

const hubs = new WeakMap<Database, LiveHub>();

/** The process's hub for a database. */
export function liveHub(database: Database): LiveHub {
	let hub = hubs.get(database);
	if (!hub) {
		hub = createLiveHub(database);
		hubs.set(database, hub);
	}
	return hub;
}

/** The streams open in this process, ended together when the server shuts down. */
const openStreams = new Set<() => void>();

/**
 * Ends every open stream (at SIGTERM or SIGINT): a stream never ends by itself, so the server could not
 * drain its connections and finish the requests in flight before SHUTDOWN_TIMEOUT cut them all. The
 * browsers reconnect, to another server or to this one when it is back.
 */
export function endEventStreams(): number {
	const n = openStreams.size;
	for (const end of [...openStreams]) end();
	return n;
}

/**
 * A server-sent event stream of alert and stay changes in a principal's scope, with a heartbeat so
 * proxies keep it open. The client reloads its data on each `alerts` or `stays` event.
 */
export function alertEventStream(
	hub: LiveHub,
	principal: Principal,
	signal: AbortSignal,
	heartbeatMs = 20_000,
	accept: (principal: Principal, change: AlertChange) => boolean = inScope
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let cleanup = () => {};
	return new ReadableStream<Uint8Array>({
		async start(controller) {
			let closed = false;
			const send = (text: string) => {
				if (closed) return;
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					closed = true;
				}
			};
			const unsubscribe = await hub.subscribe(
				(change) => {
					if (accept(principal, change))
						send(
							`event: ${change.topic ?? 'alerts'}\ndata: ${JSON.stringify({ siteId: change.siteId })}\n\n`
						);
				},
				// Listening again after the database was out of reach: the page reloads what it shows.
				() => send('event: resync\ndata: {}\n\n')
			);
			const beat = setInterval(() => send(': ping\n\n'), heartbeatMs);
			cleanup = () => {
				openStreams.delete(cleanup);
				if (closed) return;
				closed = true;
				clearInterval(beat);
				unsubscribe();
				try {
					controller.close();
				} catch {
					// Already closed by the client.
				}
			};
			openStreams.add(cleanup);
			signal.addEventListener('abort', () => cleanup(), { once: true });
			// Reconnect after 3 s if the stream drops; `ready` tells the client the stream is live.
			send('retry: 3000\nevent: ready\ndata: {}\n\n');
		},
		cancel() {
			cleanup();
		}
	});
}
