import { database } from './db';
import { log } from './log';

export interface Health {
	status: 'ok' | 'unavailable';
	database: 'up' | 'down';
	ms: number;
}

const TIMEOUT_MS = 2000;

/** A database round trip, bounded in time so a hung database answers 503 rather than hanging the check. */
export async function checkHealth(): Promise<Health> {
	const started = performance.now();
	try {
		let timer: ReturnType<typeof setTimeout> | undefined;
		await Promise.race([
			database().ping(),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error('database ping timed out')), TIMEOUT_MS);
			})
		]).finally(() => clearTimeout(timer));
		return { status: 'ok', database: 'up', ms: Math.round(performance.now() - started) };
	} catch (err) {
		log.warn({ err }, 'health check failed');
		return { status: 'unavailable', database: 'down', ms: Math.round(performance.now() - started) };
	}
}
