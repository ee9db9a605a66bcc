/**
 * Every server entry point (load, action, endpoint handler) calls a guard, except the ones listed as
 * public here. A new route that forgets its guard fails this test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPoints, ROUTES_DIR as ROUTES, serverFiles } from '../../../../tests/route-entries';
const GUARD =
	/\b(requireUser|requireApiUser|requireRole|requireSite|requireResident|requireStay|requireDevice|authorize)\(/;

/** Entry points open to everyone, with the reason. */
const PUBLIC: Record<string, string> = {
	'+layout.server.ts#load': 'shows only who is signed in',
	'login/+page.server.ts#load': 'the sign-in page',
	'login/+page.server.ts#staff': 'signing in',
	'login/+page.server.ts#resident': 'signing in',
	'login/2fa/+page.server.ts#load':
		'the second sign-in step: open only to a session that owes its code (locals.pendingSecondFactor)',
	'login/2fa/+page.server.ts#totp': 'the second sign-in step (checks locals.pendingSecondFactor)',
	'login/2fa/+page.server.ts#recovery': 'the second sign-in step (checks locals.pendingSecondFactor)',
	'logout/+server.ts#POST': 'signing out ends only the caller’s own session',
	'language/+server.ts#POST': 'choosing a language',
	'healthz/+server.ts#GET': 'load balancer health check, no data',
	'api/v1/openapi.json/+server.ts#GET': 'the API description, no data'
};

const files = serverFiles();

describe('every server entry point calls a guard', () => {
	it('finds the route files', () => {
		expect(files.length).toBeGreaterThan(10);
	});

	for (const rel of files) {
		for (const entry of entryPoints(readFileSync(join(ROUTES, rel), 'utf8'))) {
			const key = `${rel}#${entry.name}`;
			it(key, () => {
				if (PUBLIC[key]) return expect(GUARD.test(entry.body)).toBe(false);
				expect(GUARD.test(entry.body), `${key} must call a guard (or be listed as public)`).toBe(true);
			});
		}
	}

	it('lists no public entry point that no longer exists', () => {
		const all = new Set(
			files.flatMap((f) => entryPoints(readFileSync(join(ROUTES, f), 'utf8')).map((e) => `${f}#${e.name}`))
		);
		for (const key of Object.keys(PUBLIC)) expect(all.has(key), key).toBe(true);
	});
});
