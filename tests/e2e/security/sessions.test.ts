/**
 * Session hardening against the production build (the suite always runs `node build`): cookie flags,
 * a new session id at every sign-in (and again after the second factor), signing out everywhere.
 * A deactivated user's open session is refused at once: tests/e2e/auth/admin-users.test.ts.
 */
import { expect, test } from '@playwright/test';
import { DEMO, E2E } from '../env';
import { adminTotp, loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

const sessionCookie = async (ctx: import('@playwright/test').BrowserContext) =>
	(await ctx.cookies()).find((c) => c.name === 'session');

test('the session cookie is httpOnly, SameSite=Lax, host-only and for the whole app', async ({
	page,
	context
}) => {
	await loginAs(page, 'site_staff');
	const cookie = await sessionCookie(context);
	expect(cookie).toBeDefined();
	expect(cookie!.httpOnly).toBe(true);
	expect(cookie!.sameSite).toBe('Lax');
	expect(cookie!.path).toBe('/');
	// Host-only: no Domain attribute, so no sibling host ever receives it.
	expect(cookie!.domain).toBe(new URL(E2E.origin).hostname);
	// Plain http here; over https (ORIGIN=https://…) the cookie is also Secure (setSessionCookie).
	expect(cookie!.secure).toBe(false);
	expect(cookie!.value).toMatch(/^[a-z2-7]{32}$/);
	// No script on the page can read it.
	expect(await page.evaluate(() => document.cookie)).not.toContain('session=');
});

test('every sign-in makes a new session id; a planted one is never adopted', async ({ page, context }) => {
	// A cookie planted before sign-in (session fixation) is dropped, not upgraded.
	const planted = 'a'.repeat(32);
	await context.addCookies([{ name: 'session', value: planted, url: E2E.origin }]);
	await loginAs(page, 'site_staff');
	const first = (await sessionCookie(context))!.value;
	expect(first).not.toBe(planted);
	// Signing in again while signed in also gives a new one.
	const res = await page.request.post('/login?/staff', {
		form: { username: DEMO.site_staff.username, password: DEMO.site_staff.password },
		headers: { origin: E2E.origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(303);
	const second = (await sessionCookie(context))!.value;
	expect(second).not.toBe(first);
});

test('the token from the password step is replaced after the second factor and is worth nothing', async ({
	page,
	context,
	browser
}) => {
	await page.goto('/login');
	const form = page.locator('form[action^="?/staff"]');
	await form.getByLabel('用户名').fill(DEMO.admin.username);
	await form.getByLabel('密码').fill(DEMO.admin.password);
	await form.getByRole('button').click();
	await expect(page).toHaveURL(/\/login\/2fa/);
	const halfway = (await sessionCookie(context))!.value;
	await page.getByLabel('验证码').fill(adminTotp());
	await page.getByRole('button', { name: '验证' }).first().click();
	await expect(page).toHaveURL(/\/admin$/);
	const full = (await sessionCookie(context))!.value;
	expect(full).not.toBe(halfway);
	// Someone who copied the halfway token gets nothing from it.
	const other = await browser.newContext();
	await other.addCookies([{ name: 'session', value: halfway, url: E2E.origin }]);
	const res = await other.request.get('/admin/users', { maxRedirects: 0 });
	expect(res.status()).toBe(303);
	expect(res.headers()['location']).toMatch(/^\/login/);
	await other.close();
});

test('signing out everywhere ends the sessions on every device', async ({ browser }) => {
	const ward = await browser.newContext({ locale: 'zh-CN' });
	const phone = await browser.newContext({ locale: 'zh-CN' });
	const a = await ward.newPage();
	const b = await phone.newPage();
	await loginAs(a, 'clinician');
	await loginAs(b, 'clinician');
	await b.goto('/clinician');
	await expect(b.getByRole('heading', { level: 1 })).toHaveText('我的社区');

	await a.goto('/account/security');
	await a.getByRole('button', { name: '退出所有设备' }).click();
	await expect(a).toHaveURL(/\/login$/);
	// The other device is signed out at its next request.
	await b.reload();
	await expect(b).toHaveURL(/\/login\?next=%2Fclinician$/);
	await ward.close();
	await phone.close();
});
