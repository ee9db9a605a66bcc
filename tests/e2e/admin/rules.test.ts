import { expect, test } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('an admin raises a site’s fever line, a bad value is refused by the field, and the defaults come back', async ({
	page
}) => {
	await loginAs(page, 'admin');
	await page.goto('/admin/sites/JZ-C02');
	await page.getByRole('link', { name: '告警阈值 →' }).click();
	await expect(page.getByRole('heading', { name: '告警阈值', level: 1 })).toBeVisible();

	const fever = page.getByLabel('警告（≥）');
	await expect(fever).toHaveValue('37.3');
	await fever.fill('42');
	await page.getByRole('button', { name: '保存阈值' }).click();
	await expect(page.getByText('应在 37–38.5 之间。')).toBeVisible();

	await fever.fill('37.5');
	await page.getByRole('button', { name: '保存阈值' }).click();
	await expect(page.getByText('阈值已保存，之后录入的记录按新阈值判断。')).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('警告（≥）')).toHaveValue('37.5');
	await expect(page.getByText('已改动，默认值 37.3')).toBeVisible();

	await page.getByRole('button', { name: '全部恢复默认' }).click();
	await expect(page.getByText('已恢复默认阈值。')).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('警告（≥）')).toHaveValue('37.3');
});
