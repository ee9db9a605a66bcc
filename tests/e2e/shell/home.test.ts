import { expect, test } from '@playwright/test';

// Chinese is the default language; the browser's language is only a hint when no choice was made.
test.use({ locale: 'zh-CN' });

test.describe('home page in Chinese (the default)', () => {
	test('shows the app in Chinese', async ({ page }) => {
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('隔离管家');
		await expect(page.getByText('集中隔离与居家隔离医学观察管理')).toBeVisible();
		await expect(page.getByRole('link', { name: '登录工作台' })).toBeVisible();
	});

	test('switches to English with the language form and remembers it', async ({ page }) => {
		await page.goto('/login');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page).toHaveURL(/\/login$/);
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Isolation Care');
		await expect(page.getByText('Centralised and home isolation, medically observed')).toBeVisible();
		await page.getByRole('button', { name: '中文' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('隔离管家');
	});
});

test.describe('home page in English', () => {
	test.use({ locale: 'en-GB' });

	test('follows the browser language when no choice was made', async ({ page }) => {
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Isolation Care');
		await expect(page.getByRole('link', { name: 'Staff sign in' })).toBeVisible();
	});
});

test('a form post validates on the server and shows the errors by the fields', async ({ page }) => {
	await page.goto('/login');
	await page.getByRole('button', { name: '登录' }).first().click();
	await expect(page.getByText('必填').first()).toBeVisible();
	await expect(page.getByLabel('用户名')).toHaveAttribute('aria-invalid', 'true');
});

test('/healthz answers 200 after a database round trip', async ({ request }) => {
	const res = await request.get('/healthz');
	expect(res.status()).toBe(200);
	expect(await res.json()).toMatchObject({ status: 'ok', database: 'up' });
});

test('an unknown page shows the not-found page', async ({ page }) => {
	const res = await page.goto('/no-such-page');
	expect(res?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByRole('link', { name: /返回首页|Back to home/ })).toBeVisible();
});
