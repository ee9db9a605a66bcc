import { expect, test, type Locator, type Page } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

/** How many pixels of the canvas have been painted: zero for a chart that never drew. */
const painted = (canvas: Locator) =>
	canvas.evaluate((c: HTMLCanvasElement) => {
		const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
		return n;
	});

/** Rows of the readings table with a value in a column (1-based, after the time column). */
const rowsWithValue = (page: Page, column: number) =>
	page
		.getByRole('region', { name: '本次隔离的全部读数' })
		.locator(`tbody tr td:nth-child(${column})`)
		.evaluateAll((cells) => cells.filter((c) => c.textContent?.trim() !== '—').length);

test('staff see the stay charted in the site zone, with the thresholds, beside the readings table; a new reading joins the chart without a reload', async ({
	page
}) => {
	const problems: string[] = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') problems.push(msg.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));

	const fx = fixture();
	await loginAs(page, 'site_staff');
	await page.goto(`/residents/${fx.centralResident.id}`);
	await expect(page.getByRole('heading', { name: '体征趋势' })).toBeVisible();

	const charts = page.getByTestId('vital-chart');
	await expect(charts).toHaveCount(3);
	const temperature = charts.and(page.locator('[data-kind="temperature"]'));
	const spo2 = charts.and(page.locator('[data-kind="spo2"]'));
	const pulse = charts.and(page.locator('[data-kind="pulse"]'));

	// Every reading with a value is plotted: as many points as table rows showing that value.
	const rows = page.getByRole('region', { name: '本次隔离的全部读数' }).locator('tbody tr');
	const readings = await rows.count();
	expect(readings).toBeGreaterThan(0);
	await expect(temperature).toHaveAttribute('data-points', String(await rowsWithValue(page, 2)));
	await expect(spo2).toHaveAttribute('data-points', String(await rowsWithValue(page, 3)));
	await expect(pulse).toHaveAttribute('data-points', String(await rowsWithValue(page, 4)));
	for (const chart of [temperature, spo2, pulse]) expect(await painted(chart)).toBeGreaterThan(500);

	// The site's fever line (default 37.3 °C) and the SpO2 band lines of scale 1.
	await expect(temperature).toHaveAttribute('data-lines', 'fever:37.3');
	await expect(page.getByText('发热线 37.3 °C')).toBeVisible();
	await expect(spo2).toHaveAttribute('data-lines', 'hypoxia_warning:94 hypoxia_critical:92');
	await expect(page.getByText('低氧预警 94%')).toBeVisible();
	await expect(page.getByText('低氧严重 92%')).toBeVisible();

	// Each chart is named with a text summary; the table stays as the full alternative.
	await expect(
		page.getByRole('img', { name: new RegExp(`^体温: ${readings} 次读数，最高 \\d+\\.\\d °C`) })
	).toBeVisible();
	await expect(page.getByRole('img', { name: /^血氧饱和度: \d+ 次读数，最低 \d+%/ })).toBeVisible();
	await expect(page.getByText('时间按隔离点时区（Asia/Shanghai (UTC+8)）显示')).toBeVisible();

	// The stay's alerts, active first, with a way to the inbox.
	await expect(page.getByRole('heading', { name: '本次隔离的告警' })).toBeVisible();
	await expect(page.getByRole('link', { name: '到告警列表处理' })).toHaveAttribute('href', '/alerts');

	// Record a reading: the charts gain a point in place, and the page was not reloaded.
	await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
	const before = {
		temperature: Number(await temperature.getAttribute('data-points')),
		spo2: Number(await spo2.getAttribute('data-points')),
		pulse: Number(await pulse.getAttribute('data-points'))
	};
	await page.getByLabel('体温（°C）').fill('38.2');
	await page.getByLabel('血氧饱和度（%）').fill('96');
	await page.getByLabel('脉搏（次/分）').fill('88');
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByText(/^已保存/)).toBeVisible();
	await expect(rows).toHaveCount(readings + 1);
	await expect(temperature).toHaveAttribute('data-points', String(before.temperature + 1));
	await expect(spo2).toHaveAttribute('data-points', String(before.spo2 + 1));
	await expect(pulse).toHaveAttribute('data-points', String(before.pulse + 1));
	await expect(page.getByRole('img', { name: new RegExp(`^体温: ${readings + 1} 次读数`) })).toBeVisible();
	// 38.2 °C raised (or added to) the stay's fever alert, listed among the active ones.
	await expect(page.getByTestId('stay-alert').filter({ hasText: '发热' }).first()).toContainText('未确认');
	expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

	expect(problems).toEqual([]);
});
