import { database } from './db';
import { boundedPing, outageWatch } from './db/outage';

export interface Health {
	status: 'ok' | 'unavailable';
	database: 'up' | 'down';
	ms: number;
}

const TIMEOUT_MS = 2000;

/**
 * A database round trip, bounded in time so a hung database answers 503 rather than hanging the check.
 * The outcome goes to the outage watch, which logs the change once (load balancers call this often).
 */
export async function checkHealth(): Promise<Health> {
	const started = performance.now();
	const current = database();
	try {
		await boundedPing(() => current.ping(), TIMEOUT_MS);
		outageWatch(current).observed(true, 'health');
		return { status: 'ok', database: 'up', ms: Math.round(performance.now() - started) };
	} catch (err) {
		outageWatch(current).observed(false, 'health', err);
		return { status: 'unavailable', database: 'down', ms: Math.round(performance.now() - started) };
	}
}
