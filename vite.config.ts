import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { postgresGuard } from './src/lib/server/db/postgres-guard.js';

/** Integration tests run on embedded PGlite always, and on PostgreSQL too when TEST_DATABASE_URL is set. */
const engines = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export default defineConfig({
	plugins: [
		postgresGuard(),
		sveltekit(),
		paraglideVitePlugin({
			project: './src/lib/i18n/project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		})
	],
	build: {
		// No preload list for each route in the app entry: a route's own files are named in its HTML on the
		// first load, and on navigation they start loading on hover (app.html), so the list only made
		// every page's start-up script larger (the resident portal's by about 2 KB gzip).
		modulePreload: false
	},
	// The PostgreSQL driver is bundled into the server, so that its guard (src/lib/server/db/postgres-guard.ts) is in it.
	ssr: { noExternal: ['postgres'] },
	test: {
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts']
				}
			},
			...engines.map((engine) => ({
				extends: './vite.config.ts',
				test: {
					name: `integration-${engine}`,
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					// The app's database client runs with the driver's guard, as in the built server.
					server: { deps: { inline: ['postgres'] } },
					env: { TEST_ENGINE: engine, LOG_LEVEL: 'silent' },
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}))
		]
	}
});
