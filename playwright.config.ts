import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests drive the production build (adapter-node) in Debian's Chromium: browsers cannot be
 * downloaded here. Each run starts from a fresh embedded database in tests/.output/e2e-data.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://localhost:${PORT}`;
const DATA = 'tests/.output/e2e-data';

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 5_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: ORIGIN,
		timezoneId: 'Asia/Shanghai',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run',
				'--disable-sync'
			]
		}
	},
	projects: [
		{
			name: 'desktop',
			use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 860 } },
			testIgnore: /.*\.phone\.test\.ts/
		},
		{
			name: 'phone',
			use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
			testMatch: /.*\.phone\.test\.ts/
		}
	],
	webServer: {
		command: `rm -rf ${DATA} ${DATA}.lock && node build/index.js`,
		url: `${ORIGIN}/healthz`,
		reuseExistingServer: false,
		timeout: 120_000,
		env: {
			PORT: String(PORT),
			HOST: '127.0.0.1',
			ORIGIN,
			PGLITE_DIR: DATA,
			DATABASE_URL: '',
			LOG_LEVEL: 'warn'
		}
	}
});
