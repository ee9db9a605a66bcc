import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	boundedPing,
	createOutageWatch,
	DatabaseTimeoutError,
	isDatabaseUnavailable,
	unavailableCode
} from './outage';

const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });

describe('which errors mean the database is out of reach', () => {
	it('knows the driver, socket and PostgreSQL codes for a lost database, through wrappers', () => {
		expect(unavailableCode(err('ECONNREFUSED'))).toBe('ECONNREFUSED');
		expect(unavailableCode(err('CONNECTION_CLOSED'))).toBe('CONNECTION_CLOSED');
		expect(unavailableCode(err('57P01'))).toBe('57P01');
		expect(unavailableCode(err('08006'))).toBe('08006');
		// drizzle wraps the driver's error, naming the statement and its parameters.
		const wrapped = Object.assign(new Error('Failed query: select 1\nparams: 13800138000'), {
			cause: err('ECONNRESET')
		});
		expect(unavailableCode(wrapped)).toBe('ECONNRESET');
	});

	it('leaves errors about the query itself alone', () => {
		expect(isDatabaseUnavailable(err('23505'))).toBe(false);
		expect(isDatabaseUnavailable(err('22021'))).toBe(false);
		expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
		expect(isDatabaseUnavailable(null)).toBe(false);
		expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
	});
});

describe('the outage watch', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('checks before deciding: one broken connection on a reachable database is no outage', async () => {
		const ping = vi.fn(async () => {});
		const watch = createOutageWatch(ping);
		expect(watch.report(err('ECONNRESET'), 'request')).toBe(true);
		await vi.runAllTimersAsync();
		expect(ping).toHaveBeenCalledTimes(1);
		expect(watch.isDown()).toBe(false);
		watch.stop();
	});

	it('ignores errors that are not about reaching the database', async () => {
		const ping = vi.fn(async () => {});
		const watch = createOutageWatch(ping);
		expect(watch.report(err('23505'), 'request')).toBe(false);
		expect(ping).not.toHaveBeenCalled();
		watch.stop();
	});

	it('is down once a round trip fails too, probes every second, and tells when it is back', async () => {
		let up = false;
		const ping = vi.fn(async () => {
			if (!up) throw err('ECONNREFUSED');
		});
		const watch = createOutageWatch(ping, { probeEveryMs: 1000 });
		const back = vi.fn();
		watch.onBack(back);
		watch.report(err('ECONNREFUSED'), 'request');
		// Many failing requests at once start one check, not one each.
		watch.report(err('ECONNREFUSED'), 'request');
		await vi.advanceTimersByTimeAsync(0);
		expect(ping).toHaveBeenCalledTimes(1);
		expect(watch.isDown()).toBe(true);
		await vi.advanceTimersByTimeAsync(3000);
		expect(ping).toHaveBeenCalledTimes(4);
		expect(back).not.toHaveBeenCalled();
		up = true;
		await vi.advanceTimersByTimeAsync(1000);
		expect(watch.isDown()).toBe(false);
		expect(back).toHaveBeenCalledTimes(1);
		// Back up: no more probing.
		await vi.advanceTimersByTimeAsync(5000);
		expect(ping).toHaveBeenCalledTimes(5);
		watch.stop();
	});

	it('counts a database that does not answer at all as down', async () => {
		const ping = vi.fn(() => new Promise<void>(() => {}));
		const watch = createOutageWatch(ping, { pingTimeoutMs: 2000 });
		watch.report(err('CONNECT_TIMEOUT'), 'scheduler');
		await vi.advanceTimersByTimeAsync(1999);
		expect(watch.isDown()).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(watch.isDown()).toBe(true);
		watch.stop();
	});

	it('takes the health check’s word both ways', async () => {
		const watch = createOutageWatch(async () => {});
		const back = vi.fn();
		watch.onBack(back);
		watch.observed(false, 'health', err('ECONNREFUSED'));
		expect(watch.isDown()).toBe(true);
		watch.observed(true, 'health');
		expect(watch.isDown()).toBe(false);
		expect(back).toHaveBeenCalledTimes(1);
		watch.stop();
	});

	it('does not turn requests away for a health check that only ran out of time (the pool busy)', async () => {
		const watch = createOutageWatch(async () => {});
		watch.observed(false, 'health', new DatabaseTimeoutError());
		expect(watch.isDown()).toBe(false);
		// A refused connection is another matter.
		watch.observed(false, 'health', err('ECONNREFUSED'));
		expect(watch.isDown()).toBe(true);
		watch.stop();
	});

	it('stops probing and marking at shutdown', async () => {
		const ping = vi.fn(async () => {
			throw err('CONNECTION_ENDED');
		});
		const watch = createOutageWatch(ping);
		watch.stop();
		watch.report(err('CONNECTION_ENDED'), 'request');
		await vi.advanceTimersByTimeAsync(5000);
		expect(watch.isDown()).toBe(false);
		expect(ping).not.toHaveBeenCalled();
	});
});

describe('boundedPing', () => {
	it('passes a round trip through and times out a hung one', async () => {
		await expect(boundedPing(async () => {}, 50)).resolves.toBeUndefined();
		await expect(boundedPing(() => new Promise(() => {}), 20)).rejects.toMatchObject({
			code: 'DATABASE_TIMEOUT'
		});
	});
});
