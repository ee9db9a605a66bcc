/**
 * The app's server entry points, read from src/routes: every page, form action and endpoint handler.
 * Shared by the guard-coverage unit test and the authorization-matrix browser test, so a new route
 * without an entry in either fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const ROUTES_DIR = join(process.cwd(), 'src/routes');

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

/** Splits a server file into its entry points: load, each action, each HTTP handler. */
export function entryPoints(source: string): { name: string; body: string }[] {
	const marks: { name: string; at: number }[] = [];
	for (const m of source.matchAll(/export const (load|GET|POST|PUT|PATCH|DELETE)\b/g))
		marks.push({ name: m[1]!, at: m.index! });
	const actions = source.indexOf('export const actions');
	if (actions >= 0) {
		for (const m of source.slice(actions).matchAll(/^\t(\w+): async/gm))
			marks.push({ name: m[1]!, at: actions + m.index! });
	}
	marks.sort((a, b) => a.at - b.at);
	return marks.map((m, i) => ({ name: m.name, body: source.slice(m.at, marks[i + 1]?.at ?? source.length) }));
}

/** Server files (+page.server.ts, +layout.server.ts, +server.ts), relative to src/routes. */
export function serverFiles(): string[] {
	return walk(ROUTES_DIR)
		.filter((f) => /\/\+(page|layout)\.server\.ts$|\/\+server\.ts$/.test(f))
		.map((f) => relative(ROUTES_DIR, f));
}

/** The URL pattern of a route folder: groups dropped, params kept as [name]. */
function routeId(dir: string): string {
	const parts = dir.split('/').filter((p) => p && p !== '.' && !/^\(.*\)$/.test(p));
	return '/' + parts.join('/');
}

/** "GET /admin/users", "POST /admin/users/new?/create", "POST /api/v1/…" — every request the app answers. */
export function routeEntries(): string[] {
	const out = new Set<string>();
	for (const file of walk(ROUTES_DIR).map((f) => relative(ROUTES_DIR, f))) {
		const dir = dirname(file);
		const id = routeId(dir);
		if (file.endsWith('+page.svelte')) out.add(`GET ${id}`);
		if (file.endsWith('+page.server.ts')) {
			out.add(`GET ${id}`);
			for (const e of entryPoints(readFileSync(join(ROUTES_DIR, file), 'utf8')))
				if (e.name !== 'load') out.add(`POST ${id}?/${e.name}`);
		}
		if (file.endsWith('+server.ts')) {
			for (const e of entryPoints(readFileSync(join(ROUTES_DIR, file), 'utf8'))) out.add(`${e.name} ${id}`);
		}
	}
	return [...out].sort();
}

export const routesExist = () => existsSync(ROUTES_DIR);
