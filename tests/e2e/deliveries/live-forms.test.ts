import { expect, test, type Page } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.describe.configure({ timeout: 90_000 });

async function orderSupply(page: Page, name: string) {
	const rx = page.locator('form[action="?/prescribe"]');
	await rx.getByLabel('类别').selectOption({ label: '生活物资' });
	await rx.getByLabel('名称').first().fill(name);
	await rx.getByLabel('数量').first().fill('2');
	await rx.getByLabel('单位').first().fill('箱');
	await rx.getByRole('button', { name: '下单' }).click();
}

test('what a nurse is typing on a resident page survives a live update from a colleague', async ({
	browser
}) => {
	const fx = fixture();
	const mineCtx = await browser.newContext({ locale: 'zh-CN' });
	const otherCtx = await browser.newContext({ locale: 'zh-CN' });
	try {
		const mine = await mineCtx.newPage();
		await loginAs(mine, 'site_staff');
		// The page listens for live changes once its event stream answers.
		const listening = mine.waitForResponse((r) => r.url().includes('/events') && r.ok());
		await mine.goto(`/residents/${fx.centralResident.id}`);
		await listening;
		await mine.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

		// Half a prescription and a temperature typed, neither saved yet; one refused save shows its error.
		const rx = mine.locator('form[action="?/prescribe"]');
		await rx.getByLabel('类别').selectOption({ label: '药品' });
		await rx.getByRole('button', { name: '开具' }).click();
		await expect(rx.getByRole('alert').filter({ hasText: '请填写名称。' })).toBeVisible();
		await rx.getByLabel('名称').first().fill('连花清瘟胶囊');
		await rx.getByLabel('规格').first().fill('0.35 g');
		const reading = mine.locator('form[action="?/recordReading"]');
		await reading.getByLabel('体温（°C）').fill('36.8');

		// Meanwhile a colleague orders supplies for the same resident from another browser.
		const other = await otherCtx.newPage();
		await loginAs(other, 'site_staff');
		await other.goto(`/residents/${fx.centralResident.id}`);
		await orderSupply(other, '矿泉水（实时）');
		await expect(other.getByRole('status').filter({ hasText: '已开具' })).toBeVisible();

		// The first page shows the colleague's order without a reload, and keeps everything typed.
		await expect(mine.getByText('矿泉水（实时）').first()).toBeVisible();
		expect(await mine.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
		await expect(rx.getByLabel('类别')).toHaveValue('medicine');
		await expect(rx.getByLabel('名称').first()).toHaveValue('连花清瘟胶囊');
		await expect(rx.getByLabel('规格').first()).toHaveValue('0.35 g');
		await expect(reading.getByLabel('体温（°C）')).toHaveValue('36.8');
	} finally {
		await mineCtx.close();
		await otherCtx.close();
	}
});
