import { expect, test } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('the residents list pages through results and keeps the filters on every page', async ({ page }) => {
	await loginAs(page, 'admin');
	await page.goto('/residents?sort=name');
	const count = Number((await page.getByText(/^共 \d+ 人$/).textContent())!.match(/\d+/)![0]);
	expect(count).toBeGreaterThan(50);
	const pager = page.getByRole('navigation', { name: '第 1 页' });
	await expect(pager.getByText(`第 1 页 / ${Math.ceil(count / 50)}`)).toBeVisible();
	await expect(page.locator('tbody tr')).toHaveCount(50);
	await pager.getByRole('link', { name: '下一页' }).click();
	await expect(page).toHaveURL(/sort=name/);
	await expect(page).toHaveURL(/page=2/);
	await expect(page.locator('tbody tr')).toHaveCount(count - 50);
	await page.getByRole('navigation', { name: '第 2 页' }).getByRole('link', { name: '上一页' }).click();
	await expect(page).toHaveURL(/page=1/);
	await expect(page.locator('tbody tr')).toHaveCount(50);
});
