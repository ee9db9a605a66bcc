/**
 * Counts each night's settled dashboard figures ahead of the first reader (see `warmSettled`): a look
 * every few minutes, the work once a day, on the servers that run the scheduler.
 */
import type { Database } from '../db';
import { outageWatch } from '../db/outage';
import { log } from '../log';
import { warmSettled } from './index';

export const WARM_EVERY_MS = 5 * 60_000;

export function startWarming(database: Database, everyMs = WARM_EVERY_MS): { stop(): Promise<void> } {
	let done: string | null = null;
	let running: Promise<void> | null = null;
	const run = () => {
		running ??= warmSettled(new Date(), done)
			.then((day) => {
				if (day && day !== done) log.info({ day }, 'dashboard figures of the night counted');
				done = day ?? done;
			})
			.catch((e: unknown) => {
				// The database out of reach is logged once by the outage watch; the next look tries again.
				if (!outageWatch(database).report(e, 'dashboard warming'))
					log.error({ err: e }, 'dashboard warming failed');
			})
			.finally(() => {
				running = null;
			});
	};
	run();
	const timer = setInterval(run, everyMs);
	timer.unref();
	return {
		async stop() {
			clearInterval(timer);
			await running;
		}
	};
}
