/**
 * Dependency hygiene: the lockfile pins every package with its checksum, every dependency in
 * package.json is used by the code (or is a tool named here with its reason), and `npm run audit:deps`
 * lists the installed tree with licences.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
	dependencies: Record<string, string>;
	devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
	packages: Record<string, { version?: string; integrity?: string; optional?: boolean; link?: boolean }>;
};
const all = { ...pkg.dependencies, ...pkg.devDependencies };

/** Used by name rather than imported: command-line tools, type packages, plugins named in config. */
const USED_WITHOUT_IMPORT: Record<string, string> = {
	'@inlang/plugin-message-format': 'loaded by Paraglide from project.inlang/settings.json',
	'@types/autocannon': 'types for the benchmark (bench/)',
	'@types/luxon': 'types',
	'@types/node': 'types',
	'@types/qrcode': 'types',
	eslint: 'npm run lint',
	prettier: 'npm run lint / format',
	'prettier-plugin-svelte': '.prettierrc',
	'pino-pretty': 'readable logs in development (README)',
	'svelte-check': 'npm run check',
	tsx: 'npm run db:migrate / seed',
	typescript: 'svelte-check and the editor',
	vite: 'npm run build / dev'
};

function files(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		if (['node_modules', 'paraglide', '.svelte-kit', 'build', '.output'].includes(name)) continue;
		const path = join(dir, name);
		if (statSync(path).isDirectory()) files(path, out);
		else if (/\.(ts|js|mjs|svelte|json)$/.test(name)) out.push(path);
	}
	return out;
}

describe('dependencies', () => {
	it('are all pinned by the lockfile, each with its checksum', () => {
		for (const name of Object.keys(all)) {
			const entry = lock.packages[`node_modules/${name}`];
			expect(entry?.version, name).toBeTruthy();
			expect(entry?.integrity, name).toMatch(/^sha512-/);
		}
		// Every installed package, not only the direct ones (platform-only optional ones are fetched on
		// the platform that needs them).
		const unpinned = Object.entries(lock.packages).filter(
			([path, e]) => path && !e.link && !e.optional && !e.integrity
		);
		expect(unpinned.map(([path]) => path)).toEqual([]);
	});

	it('are all used', () => {
		const sources = [
			...files('src'),
			...files('scripts'),
			...files('tests'),
			...files('bench'),
			'vite.config.ts',
			'svelte.config.js',
			'playwright.config.ts',
			'eslint.config.js',
			'drizzle.config.ts'
		]
			.filter((f) => !f.endsWith('dependencies.test.ts'))
			.map((f) => readFileSync(f, 'utf8'))
			.join('\n');
		const unused = Object.keys(all).filter((name) => {
			if (USED_WITHOUT_IMPORT[name]) return false;
			const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
			return !new RegExp(`['"]${quoted}(/[^'"]*)?['"]`).test(sources);
		});
		expect(unused).toEqual([]);
		// The list above names only packages that are still dependencies.
		for (const name of Object.keys(USED_WITHOUT_IMPORT)) expect(all[name], name).toBeDefined();
	});

	it('are listed with their licences by npm run audit:deps', () => {
		const out = JSON.parse(
			execFileSync('node', ['scripts/audit-deps.mjs', '--json'], { encoding: 'utf8' })
		) as {
			packages: { name: string; version: string; licence: string }[];
			problems: string[];
		};
		const names = new Set(out.packages.map((p) => p.name));
		for (const name of Object.keys(pkg.dependencies)) expect(names.has(name), name).toBe(true);
		expect(out.packages.find((p) => p.name === '@oslojs/otp')).toMatchObject({ licence: 'MIT' });
		// Runtime packages only by default: the test runner is not shipped.
		expect(names.has('vitest')).toBe(false);
		expect(out.problems).toEqual([]);
	}, 60_000);
});
