import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { adminTotp, loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test.describe('each demo role signs in and lands on its home', () => {
	const homes = [
		{ who: 'admin', path: '/admin', heading: '指挥部总览' },
		{ who: 'site_staff', path: '/staff', heading: '我的隔离点' },
		{ who: 'clinician', path: '/clinician', heading: '我的社区' }
	] as const;
	for (const h of homes) {
		test(h.who, async ({ page }) => {
			await loginAs(page, h.who);
			await expect(page).toHaveURL(new RegExp(`${h.path}$`));
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(h.heading);
			await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
		});
	}

	test('site staff see their two sites with room figures', async ({ page }) => {
		await loginAs(page, 'site_staff');
		await expect(page.getByRole('heading', { name: /焦作市丽景酒店集中隔离点/ })).toBeVisible();
		await expect(page.getByRole('heading', { name: /山阳区会展宾馆集中隔离点/ })).toBeVisible();
		await expect(page.getByText('待终末消毒').first()).toBeVisible();
	});
});

test('a resident signs in with phone and code and sees their stay', async ({ page }) => {
	await loginAs(page, 'resident');
	await expect(page).toHaveURL(/\/me$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的隔离');
	await expect(page.getByText(/第 \d+ 天 \/ 共 10 天/)).toBeVisible();
	await expect(page.getByText('焦作市丽景酒店集中隔离点', { exact: false })).toBeVisible();
	// Nothing of other residents, and no staff navigation.
	await expect(page.getByRole('link', { name: '用户' })).toHaveCount(0);
	await expect(page.getByText(fixture().centralResident.name)).toHaveCount(0);
});

test('a wrong password gets one plain message and no session', async ({ page }) => {
	await page.goto('/login');
	const form = page.locator('form[action^="?/staff"]');
	await form.getByLabel('用户名').fill('staff');
	await form.getByLabel('密码').fill('not-the-password');
	await form.getByRole('button').click();
	await expect(page.getByRole('alert').filter({ hasText: '用户名或密码不正确。' })).toBeVisible();
	await page.goto('/staff');
	await expect(page).toHaveURL(/\/login\?next=%2Fstaff$/);
});

test('signing out ends the session; the next visit asks to sign in again', async ({ page }) => {
	await loginAs(page, 'admin');
	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/admin/users');
	await expect(page).toHaveURL(/\/login\?next=/);
});

test('after signing in, the page that asked for it opens', async ({ page }) => {
	await page.goto('/admin/audit');
	await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Faudit$/);
	const form = page.locator('form[action^="?/staff"]');
	await form.getByLabel('用户名').fill('admin');
	await form.getByLabel('密码').fill('demo-admin-2026');
	await form.getByRole('button').click();
	// Admins give their second factor next; the page they asked for is kept through it.
	await expect(page).toHaveURL(/\/login\/2fa\?next=%2Fadmin%2Faudit$/);
	await page.getByLabel('验证码').fill(adminTotp());
	await page.getByRole('button', { name: '验证' }).first().click();
	await expect(page).toHaveURL(/\/admin\/audit$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('审计日志');
});
