import { defineConfig, devices } from '@playwright/test';

import { E2E } from './tests/e2e/env';

/**
 * End-to-end tests drive the production build (adapter-node) in Debian's Chromium: browsers cannot be
 * downloaded here. Each run starts from a fresh embedded database in tests/.output/e2e-data.
 */

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 5_000 },
	reporter: 'list',
	use: {
		baseURL: E2E.origin,
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
	// Seeds a fresh embedded database and starts the production build (see global-setup.ts).
	globalSetup: './tests/e2e/global-setup.ts'
});
