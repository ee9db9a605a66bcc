/**
 * `npm start`: build the app if the build is missing or older than the sources, then serve the production
 * build with adapter-node. With no DATABASE_URL it uses the embedded database in ./data and seeds the demo
 * on first start. ORIGIN defaults to the URL printed below, so form posts pass SvelteKit's origin check.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'build', 'handler.js');

function newestMtime(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let newest = s.mtimeMs;
	for (const name of readdirSync(path)) {
		if (name === 'paraglide' || name === 'node_modules') continue;
		newest = Math.max(newest, newestMtime(join(path, name)));
	}
	return newest;
}

function buildIsStale() {
	if (!existsSync(entry)) return true;
	const built = statSync(entry).mtimeMs;
	const inputs = ['src', 'static', 'package-lock.json', 'svelte.config.js', 'vite.config.ts'];
	return inputs.some((p) => existsSync(join(root, p)) && newestMtime(join(root, p)) > built);
}

if (buildIsStale()) {
	console.log('Building the app (first start, or the sources changed)…');
	execSync('npx vite build', { cwd: root, stdio: 'inherit' });
}

process.env.PORT ??= '3000';
// Local only by default: set HOST=0.0.0.0 (and ORIGIN to the address tablets use) to serve a ward network.
process.env.HOST ??= '127.0.0.1';
const shownHost =
	process.env.HOST === '0.0.0.0' || process.env.HOST === '127.0.0.1' ? 'localhost' : process.env.HOST;
process.env.ORIGIN ??= `http://${shownHost}:${process.env.PORT}`;
process.env.NODE_ENV ??= 'production';

console.log(`Starting Isolation Care at ${process.env.ORIGIN} …`);
await import(pathToFileURL(join(root, 'scripts', 'serve.js')).href);
