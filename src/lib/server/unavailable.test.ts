import { describe, expect, it } from 'vitest';
import { API_MESSAGE, givesWayToUnavailable, unavailableResponse } from './unavailable';

const ask = (path: string, headers: Record<string, string> = {}, method = 'GET') => {
	const url = new URL(path, 'http://x');
	return unavailableResponse({
		request: new Request(url, { method, headers }),
		url,
		locals: { locale: 'en' }
	});
};

describe('the answer while the database is out of reach', () => {
	it('is a page of its own for a browser, saying so, that retries by itself', async () => {
		const res = ask('/alerts', { accept: 'text/html,application/xhtml+xml' });
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('10');
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
		const html = await res.text();
		expect(html).toContain('Database unavailable');
		expect(html).toContain('http-equiv="refresh"');
		expect(html).not.toMatch(/<script/i);
	});

	it('does not reload a page that answered a form post (that would post nothing, but looks like it)', async () => {
		const html = await ask('/admit', { accept: 'text/html' }, 'POST').text();
		expect(html).not.toContain('http-equiv="refresh"');
	});

	it('is an action result for an enhanced form, so the form shows it', async () => {
		const res = ask('/alerts?/ack', { 'x-sveltekit-action': 'true', accept: 'application/json' }, 'POST');
		expect(res.status).toBe(503);
		const body = (await res.json()) as { type: string; error: { message: string } };
		expect(body.type).toBe('error');
		expect(body.error.message).toMatch(/database/i);
	});

	it('is JSON for the API and for page data', async () => {
		const api = ask('/api/v1/readings', { accept: 'text/html' }, 'POST');
		expect(api.status).toBe(503);
		expect(await api.json()).toEqual({ message: API_MESSAGE });
		const data = ask('/alerts/__data.json', { accept: '*/*' });
		expect(data.headers.get('content-type')).toBe('application/json');
		expect(((await data.json()) as { message: string }).message).toMatch(/database/i);
	});
});

describe('a request that found the database out of reach', () => {
	it('answers 503 for a page’s data request too, which SvelteKit would answer 200 with the error inside', () => {
		expect(givesWayToUnavailable(new Response('{"type":"data","nodes":[]}', { status: 200 }), true)).toBe(
			true
		);
		expect(givesWayToUnavailable(new Response('error page', { status: 500 }), false)).toBe(true);
		// A page that rendered despite it (the failing part was optional) stands.
		expect(givesWayToUnavailable(new Response('<html>', { status: 200 }), false)).toBe(false);
	});
});
