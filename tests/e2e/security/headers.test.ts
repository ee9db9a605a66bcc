import { expect, test } from '@playwright/test';
import { E2E } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

function directives(csp: string): Map<string, string[]> {
	return new Map(
		csp
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...values]) => [name!, values])
	);
}

test('a page carries the content security policy and the other security headers', async ({ request }) => {
	const res = await request.get('/login');
	expect(res.status()).toBe(200);
	const h = res.headers();
	const csp = directives(h['content-security-policy'] ?? '');
	// Scripts: our origin and SvelteKit's start-up script by its nonce; never inline code.
	expect(csp.get('script-src')).toContain("'self'");
	expect(csp.get('script-src')!.some((v) => v.startsWith("'nonce-"))).toBe(true);
	expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
	expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
	expect(csp.get('default-src')).toEqual(["'self'"]);
	expect(csp.get('object-src')).toEqual(["'none'"]);
	expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
	expect(h['x-content-type-options']).toBe('nosniff');
	expect(h['referrer-policy']).toBe('same-origin');
	expect(h['x-frame-options']).toBe('DENY');
	// HSTS only where the app is served over https (see the unit test); never on plain http.
	expect(h['strict-transport-security']).toBeUndefined();
	// The nonce changes with every response.
	const again = directives((await request.get('/login')).headers()['content-security-policy'] ?? '');
	expect(again.get('script-src')).not.toEqual(csp.get('script-src'));
});

test('an API response carries a policy that allows nothing, and the same headers', async ({ request }) => {
	for (const path of ['/api/v1/openapi.json', '/api/v1/stays', '/healthz']) {
		const res = await request.get(path);
		const h = res.headers();
		const csp = directives(h['content-security-policy'] ?? '');
		expect(csp.get('default-src'), path).toEqual(["'none'"]);
		expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
		expect(h['x-content-type-options'], path).toBe('nosniff');
		expect(h['referrer-policy'], path).toBe('same-origin');
	}
});

test('an injected inline script does not run, while the app’s own scripts and charts do', async ({
	page
}) => {
	const violations: string[] = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) violations.push(msg.text());
	});
	await loginAs(page, 'admin');
	await page.goto('/dashboard');
	// The charts are drawn (chart.js runs under the policy).
	await expect(page.locator('canvas').first()).toBeVisible();
	expect(violations).toEqual([]);
	// As if an attacker got markup onto the page: the inline script is refused by the browser.
	const ran = await page.evaluate(async () => {
		(window as unknown as { injected?: boolean }).injected = false;
		const s = document.createElement('script');
		s.textContent = 'window.injected = true';
		document.body.appendChild(s);
		await new Promise((r) => setTimeout(r, 100));
		return (window as unknown as { injected?: boolean }).injected;
	});
	expect(ran).toBe(false);
});

test('no page can be put in a frame', async ({ page }) => {
	// Another site frames the sign-in page (clickjacking): the browser refuses to render it.
	await page.setContent(`<iframe title="framed" src="${E2E.origin}/login"></iframe>`);
	await expect.poll(() => page.frames().length).toBe(2);
	const frame = page.frames()[1]!;
	await frame.waitForLoadState();
	expect(await frame.content()).not.toContain('隔离管家');
	// The same page opened directly renders.
	await page.goto('/login');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
