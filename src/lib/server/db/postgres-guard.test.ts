import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardPostgresSource, postgresGuard } from './postgres-guard';

// The driver's ESM source as installed, read from disk (require resolves its CommonJS copy, cjs/src).
const driverDir = join(dirname(createRequire(import.meta.url).resolve('postgres')), '../../src');
const source = (file: 'connection.js' | 'index.js') => readFileSync(join(driverDir, file), 'utf8');

describe('the PostgreSQL driver guards', () => {
	it('apply to the installed driver, every one of them', () => {
		const connection = guardPostgresSource(source('connection.js'), 'connection.js');
		for (const n of [1, 2, 3, 4]) expect(connection).toContain(`// Isolation Care guard ${n}`);
		expect(connection).toContain('if (socket === null) {');
		const index = guardPostgresSource(source('index.js'), 'index.js');
		expect(index).toContain('if (lost) return q.reject(lost)');
	});

	it('apply once: guarding guarded source changes nothing', () => {
		const once = guardPostgresSource(source('connection.js'), 'connection.js');
		expect(guardPostgresSource(once, 'connection.js')).toBe(once);
	});

	it('fail the build when the driver changed, rather than dropping a guard', () => {
		expect(() => guardPostgresSource('export default 1', 'connection.js')).toThrow(/postgres.js changed/);
	});

	it('touch only the driver’s own files', () => {
		const plugin = postgresGuard();
		const transform = plugin.transform as (code: string, id: string) => unknown;
		expect(transform.call({}, 'x', '/app/src/lib/server/db/client.ts')).toBeNull();
		expect(transform.call({}, 'x', '/app/node_modules/other/src/connection.js')).toBeNull();
		expect(() => transform.call({}, 'x', '/app/node_modules/postgres/src/connection.js')).toThrow();
	});
});
