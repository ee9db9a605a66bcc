/**
 * The time the follow-up pages work at. Normally the real clock. A browser test that must see a failed
 * call come back after the retry delay starts the server with TEST_CLOCK_FILE pointing at a file that
 * holds an offset in milliseconds, and writes a new offset to step time forward.
 *
 * Why this is safe to ship:
 * - it has no network surface: no route, header or cookie moves the clock, only a file on the server's
 *   own disk, named by an environment variable set when the server starts;
 * - the settings refuse TEST_CLOCK_FILE together with DATABASE_URL, so a server holding real residents
 *   (PostgreSQL) cannot start with it, and the start-up log says loudly when it is on;
 * - it only moves forward or back by an offset, so ordering between requests is kept.
 * A missing or unreadable file counts as no offset.
 */
import { readFileSync } from 'node:fs';

let file: string | undefined;

/** Called once at start with the validated setting. */
export function useTestClock(path: string | undefined) {
	file = path;
}

export function testClockOn(): boolean {
	return file !== undefined;
}

/** The offset the test clock file holds, in milliseconds (0 when off, missing or not a number). */
function offsetMs(): number {
	if (!file) return 0;
	try {
		const n = Number(readFileSync(file, 'utf8').trim());
		return Number.isFinite(n) ? n : 0;
	} catch {
		return 0;
	}
}

export function now(): Date {
	return new Date(Date.now() + offsetMs());
}
