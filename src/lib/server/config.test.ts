import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('runtime settings', () => {
	it('defaults to the embedded database and the demo seed', () => {
		const c = loadConfig({});
		expect(c.DATABASE_URL).toBeUndefined();
		expect(c.PGLITE_DIR).toBe('./data/pglite');
		expect(c.DEMO_SEED).toBe('auto');
	});

	it('treats an empty DATABASE_URL as unset', () => {
		expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
	});

	it('refuses a malformed setting with a message naming it', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
		expect(() => loadConfig({ DEMO_SEED: 'maybe' })).toThrow(/DEMO_SEED/);
		expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
	});

	it('brings a failed call back after 30 minutes unless told otherwise', () => {
		expect(loadConfig({}).CALL_RETRY_MINUTES).toBe(30);
		expect(loadConfig({}).DELIVERY_OVERDUE_HOURS).toBe(24);
		expect(loadConfig({ DELIVERY_OVERDUE_HOURS: '12' }).DELIVERY_OVERDUE_HOURS).toBe(12);
		expect(() => loadConfig({ DELIVERY_OVERDUE_HOURS: '0' })).toThrow(/DELIVERY_OVERDUE_HOURS/);
		expect(loadConfig({}).PSYCH_SUPPORT_LINE).toBe('12356');
		expect(loadConfig({ PSYCH_SUPPORT_LINE: '0391-1234567' }).PSYCH_SUPPORT_LINE).toBe('0391-1234567');
		expect(() => loadConfig({ PSYCH_SUPPORT_LINE: 'call us' })).toThrow(/PSYCH_SUPPORT_LINE/);
		expect(loadConfig({ CALL_RETRY_MINUTES: '45' }).CALL_RETRY_MINUTES).toBe(45);
		expect(() => loadConfig({ CALL_RETRY_MINUTES: '0' })).toThrow(/CALL_RETRY_MINUTES/);
	});

	it('takes a test clock only on the embedded database, never next to a real PostgreSQL', () => {
		expect(loadConfig({}).TEST_CLOCK_FILE).toBeUndefined();
		expect(loadConfig({ TEST_CLOCK_FILE: '/tmp/clock' }).TEST_CLOCK_FILE).toBe('/tmp/clock');
		expect(() =>
			loadConfig({ TEST_CLOCK_FILE: '/tmp/clock', DATABASE_URL: 'postgres://db.example/care' })
		).toThrow(/TEST_CLOCK_FILE/);
	});
});
