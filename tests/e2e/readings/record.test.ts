import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('staff record a reading on the resident page: a fever raises its alert; a rare extreme needs confirming', async ({
	page
}) => {
	const fx = fixture();
	await loginAs(page, 'site_staff');
	await page.goto(`/residents/${fx.centralResident.id}`);
	await expect(page.getByRole('heading', { name: '录入体温与体征' })).toBeVisible();

	await page.getByLabel('体温（°C）').fill('38.6');
	await page.getByLabel('血氧饱和度（%）').fill('97');
	await page.getByRole('checkbox', { name: '干咳' }).check();
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(
		page.getByText(/已保存；已触发预警：发热、新发症状。|已保存；已触发预警：发热。/)
	).toBeVisible();
	const latest = page
		.getByRole('table')
		.filter({ has: page.getByText('巡房测量') })
		.locator('tbody tr')
		.first();
	await expect(latest.getByText('38.6 ▲')).toBeVisible();
	await expect(latest.getByText('干咳')).toBeVisible();

	// 34.2 °C is possible but rare: the form asks to confirm before saving.
	await page.getByLabel('体温（°C）').fill('34.2');
	await page.getByLabel('血氧饱和度（%）').fill('');
	await page.getByRole('checkbox', { name: '干咳' }).uncheck();
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByText('这是少见的极端值，请核对后勾选确认再保存。')).toBeVisible();
	await page.getByRole('checkbox', { name: '数值确认无误（少见的极端值）' }).check();
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByText(/^已保存/)).toBeVisible();
	await expect(page.getByText('34.2').first()).toBeVisible();

	// Out of the accepted range is refused with the range named.
	await page.getByLabel('体温（°C）').fill('46');
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByText('体温应在 30.0–45.0 °C 之间。')).toBeVisible();
});
