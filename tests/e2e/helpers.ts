import AxeBuilder from '@axe-core/playwright';
import { decodeBase32 } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO, E2E, fixture } from './env';

/** The code the demo admin's authenticator app shows now. */
export function adminTotp(): string {
	return generateTOTP(decodeBase32(DEMO.admin.totpSecret), 30, 6);
}

export type Persona = 'anonymous' | 'admin' | 'site_staff' | 'clinician' | 'resident';

/** Signs in through the sign-in page, as a person would. */
export async function loginAs(page: Page, who: Exclude<Persona, 'anonymous'>) {
	await page.goto('/login');
	if (who === 'resident') {
		const { phone, code } = fixture().resident;
		const form = page.locator('form[action^="?/resident"]');
		await form.getByLabel(/手机号|Mobile number/).fill(phone);
		await form.getByLabel(/登录码|Sign-in code/).fill(code);
		await form.getByRole('button').click();
	} else {
		const form = page.locator('form[action^="?/staff"]');
		await form.getByLabel(/用户名|Username/).fill(DEMO[who].username);
		await form.getByLabel(/密码|Password/).fill(DEMO[who].password);
		await form.getByRole('button').click();
		if (who === 'admin') {
			// Admins sign in with a second factor.
			await expect(page).toHaveURL(/\/login\/2fa/);
			await page.getByLabel(/验证码|Code/).fill(adminTotp());
			await page
				.getByRole('button', { name: /验证|Verify/ })
				.first()
				.click();
		}
	}
	await expect(page).not.toHaveURL(/\/login/);
}

/** Signs a request context in with a plain form post (no browser), keeping the session cookie. */
export async function apiLogin(request: APIRequestContext, who: Exclude<Persona, 'anonymous'>) {
	const form: Record<string, string> =
		who === 'resident'
			? { phone: fixture().resident.phone, code: fixture().resident.code }
			: { username: DEMO[who].username, password: DEMO[who].password };
	const res = await request.post(`/login?/${who === 'resident' ? 'resident' : 'staff'}`, {
		form,
		// As a browser posts a form: HTML accepted, so SvelteKit answers with a redirect, not JSON.
		headers: { origin: E2E.origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(res.status(), `sign-in as ${who}`).toBe(303);
	if (who === 'admin') {
		const second = await request.post('/login/2fa?/totp', {
			form: { code: adminTotp() },
			headers: { origin: E2E.origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(second.status(), 'second factor for admin').toBe(303);
	}
}

/** Serious and critical accessibility findings on the page as it stands. */
export async function seriousViolations(page: Page) {
	const result = await new AxeBuilder({ page }).analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
