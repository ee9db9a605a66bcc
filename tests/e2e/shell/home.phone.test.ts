import { expect, test } from '@playwright/test';

test.use({ locale: 'zh-CN' });

test('the home page fits a 360 px phone without sideways scrolling', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('隔离管家');
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	// Touch targets of the main actions are at least 44 px tall.
	const box = await page.getByRole('link', { name: '登录工作台' }).boundingBox();
	expect(box!.height).toBeGreaterThanOrEqual(44);
});
