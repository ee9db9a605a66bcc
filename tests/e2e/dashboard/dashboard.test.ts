import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

const value = async (page: Page, id: string) =>
	Number(await page.getByTestId(id).locator('[data-value]').getAttribute('data-value'));

const DEMO_SITES = [
	'焦作市丽景酒店集中隔离点',
	'山阳区会展宾馆集中隔离点',
	'解放区焦北街道社区卫生服务中心',
	'山阳区艺新社区卫生服务中心'
];

test('the dashboard shows the demo figures and draws its four charts without console errors', async ({
	page
}) => {
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	await loginAs(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: '指挥看板' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('指挥调度看板');

	// Every demo site has a row, and the rows add up to the city's figure.
	const rows = page.locator('tr[data-site]');
	await expect(rows).toHaveCount(4);
	for (const name of DEMO_SITES) await expect(rows.filter({ hasText: name })).toHaveCount(1);
	const observing = await value(page, 'fig-observing');
	expect(observing).toBeGreaterThan(0);
	const perSite = await rows.locator('td:nth-child(2)').allTextContents();
	expect(perSite.reduce((a, t) => a + Number(t), 0)).toBe(observing);
	// The open alerts are the ones the inbox counts in the navigation.
	const navCount = Number(await page.getByTestId('nav-alert-count').textContent());
	expect(await value(page, 'fig-alerts')).toBe(navCount);
	// Beds: the demo's centralised sites, occupied against their capacity.
	await expect(page.getByTestId('fig-beds')).toContainText(/\d+ \/ \d+/);

	for (const id of ['census', 'flows', 'alerts', 'upcoming'])
		await expect(page.locator(`canvas[data-chart="${id}"][data-drawn]`)).toBeVisible();
	await expect(page.getByText(`今日在观察 ${observing} 人`)).toBeVisible();
	expect(errors).toEqual([]);
});

test('a new admission bumps the live figures without a reload', async ({ browser }) => {
	const boardCtx = await browser.newContext({ locale: 'zh-CN' });
	const deskCtx = await browser.newContext({ locale: 'zh-CN' });
	try {
		const board = await boardCtx.newPage();
		await loginAs(board, 'admin');
		await board.goto('/dashboard');
		await expect(board.locator('[data-live="on"]')).toBeVisible();
		const admitted = await value(board, 'fig-admitted');
		const observing = await value(board, 'fig-observing');
		// Marks the page, so a reload (which would drop the mark) cannot pass for a live update.
		await board.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

		const desk = await deskCtx.newPage();
		await loginAs(desk, 'clinician');
		await desk.goto('/admit');
		const first17 = '41080219900412033';
		await desk.getByLabel('姓名', { exact: true }).fill('钱看板');
		await desk.getByLabel('证件号码').fill(first17 + idCheckChar(first17));
		await desk.getByLabel('手机号', { exact: true }).fill('13903914455');
		await desk.getByLabel('住址', { exact: true }).fill('焦作市解放区焦北路 3 号');
		await desk.getByLabel('所属社区').selectOption({ label: '解放区焦北街道社区卫生服务中心' });
		await desk.getByLabel('人员类别').selectOption({ label: '密切接触者' });
		await desk.getByLabel('隔离方案').selectOption({ label: '居家隔离 7 天（第九版）' });
		await desk.getByRole('button', { name: '登记入住' }).click();
		await expect(desk.getByText('已登记入住。')).toBeVisible();

		await expect(board.getByTestId('fig-admitted').locator('[data-value]')).toHaveAttribute(
			'data-value',
			String(admitted + 1)
		);
		await expect(board.getByTestId('fig-observing').locator('[data-value]')).toHaveAttribute(
			'data-value',
			String(observing + 1)
		);
		expect(await board.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
	} finally {
		await boardCtx.close();
		await deskCtx.close();
	}
});

test('the daily report downloads as CSV that opens as UTF-8 with its Chinese text', async ({ page }) => {
	await loginAs(page, 'admin');
	await page.goto('/dashboard/report');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^\d{4}-\d{2}-\d{2} 日报告$/);
	await expect(page.locator('table[data-site="JZ-C01"] caption')).toHaveText('焦作市丽景酒店集中隔离点');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: '下载 CSV' }).click()
	]);
	const bytes = readFileSync((await download.path())!);
	// The byte-order mark Excel needs to read UTF-8.
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
	const lines = text.trim().split('\r\n');
	expect(lines[0]).toMatch(/^隔离点\/社区,类型,观察合计,集中隔离,/);
	for (const name of DEMO_SITES) expect(text).toContain(name);
	expect(lines.at(-1)).toMatch(/^合计,/);
	expect(lines).toHaveLength(6);

	// A day that is not over yet is refused with a reason.
	await page.goto('/dashboard/report?date=2099-01-01');
	await expect(page.getByText('日报告只能查看已经结束的日期')).toBeVisible();
});

test('exports are masked; full details need an admin’s reason, which the audit log keeps', async ({
	page
}) => {
	await loginAs(page, 'admin');
	await page.goto('/dashboard/exports');
	await page.getByLabel('隔离点/社区').selectOption({ label: '焦作市丽景酒店集中隔离点' });
	await page.getByLabel('导出内容').selectOption({ label: '人员名单' });
	const [masked] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: '下载 CSV' }).click()
	]);
	const text = readFileSync((await masked.path())!, 'utf8');
	expect(text.charCodeAt(0)).toBe(0xfeff);
	expect(text).toContain('姓名,证件号码,手机号');
	expect(text).toMatch(/\d{4}\*{10}\d{3}[\dX]/);
	expect(text).not.toMatch(/\d{17}[\dX]/);

	// Full details without a reason: refused beside the field, nothing downloaded.
	await page.goto('/dashboard/exports');
	await page.getByLabel('隔离点/社区').selectOption({ label: '焦作市丽景酒店集中隔离点' });
	await page.getByLabel('导出内容').selectOption({ label: '人员名单' });
	await page.getByLabel('导出完整证件号码和手机号').check();
	await page.getByRole('button', { name: '下载 CSV' }).click();
	await expect(page.getByText('导出完整信息须写明原因。')).toBeVisible();

	await page.getByLabel('原因').fill('流调核对');
	const [full] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: '下载 CSV' }).click()
	]);
	expect(readFileSync((await full.path())!, 'utf8')).toMatch(/\d{17}[\dX]/);
	await page.goto('/admin/audit?entity=site');
	await expect(page.getByRole('cell', { name: 'export_unmasked' }).first()).toBeVisible();
	await expect(page.getByText('流调核对').first()).toBeVisible();
});
