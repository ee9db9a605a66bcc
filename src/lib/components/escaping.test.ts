/**
 * Rendered user text is escaped everywhere: Svelte escapes every `{expression}`, so the only ways around
 * it are `{@html}` and setting innerHTML by hand. This test fails when a new one appears in src/ that is
 * not listed here with the reason it cannot carry user text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../..');
const RAW_HTML = /\{@html\s|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML\(/;

/** file → why its raw HTML is safe. */
const ALLOWED: Record<string, string> = {
	'lib/components/AdmissionSlip.svelte':
		'the QR code: an SVG drawn by the qrcode library from the sign-in URL',
	'routes/account/security/+page.svelte':
		'the enrolment QR code: an SVG drawn on the server by the qrcode library from the otpauth URI'
};

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (name === 'paraglide') return [];
		if (statSync(path).isDirectory()) return files(path);
		return /\.(svelte|ts|js)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
	});
}

describe('rendered text is escaped', () => {
	it('has no raw HTML output except the listed, reviewed ones', () => {
		const found = files(SRC)
			.filter((f) => RAW_HTML.test(readFileSync(f, 'utf8')))
			.map((f) => relative(SRC, f));
		expect(found.length).toBeGreaterThan(0);
		expect(found.filter((f) => !(f in ALLOWED))).toEqual([]);
	});
});
