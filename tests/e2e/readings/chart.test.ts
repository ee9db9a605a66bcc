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
	page,
	request
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
	await expect(page.getByText('时间按隔离点时区 Asia/Shanghai (UTC+8) 显示')).toBeVisible();

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
	await page.getByLabel('体温（°C）').fill('36.9');
	await page.getByLabel('血氧饱和度（%）').fill('96');
	await page.getByLabel('脉搏（次/分）').fill('88');
	await page.getByRole('checkbox', { name: '流涕' }).check();
	await page.getByRole('button', { name: '保存记录' }).click();
	await expect(page.getByText(/^已保存/)).toBeVisible();
	await expect(rows).toHaveCount(readings + 1);
	await expect(temperature).toHaveAttribute('data-points', String(before.temperature + 1));
	await expect(spo2).toHaveAttribute('data-points', String(before.spo2 + 1));
	await expect(pulse).toHaveAttribute('data-points', String(before.pulse + 1));
	await expect(page.getByRole('img', { name: new RegExp(`^体温: ${readings + 1} 次读数`) })).toBeVisible();
	// The new symptom raised (or updated) the stay's symptom alert, listed as active.
	const symptom = page.getByTestId('stay-alert').filter({ hasText: '流涕' });
	await expect(symptom).toHaveCount(1);
	await expect(symptom).not.toContainText('已处理');

	// A device reports a reading for this stay while a value is being typed: the live connection brings
	// it into the chart, and the typed value survives the reload.
	await page.getByLabel('体温（°C）').fill('37.1');
	const posted = await request.post('/api/v1/readings', {
		headers: { authorization: `Bearer ${fx.deviceToken}` },
		data: {
			stayId: fx.centralStayId,
			takenAt: new Date().toISOString().replace('Z', '+00:00'),
			source: 'device',
			temperature: 36.7,
			symptoms: ['fatigue'],
			idempotencyKey: `e2e-chart-${Date.now()}`
		}
	});
	expect(posted.status()).toBe(201);
	await expect(temperature).toHaveAttribute('data-points', String(before.temperature + 2));
	await expect(rows).toHaveCount(readings + 2);
	await expect(page.getByLabel('体温（°C）')).toHaveValue('37.1');
	await page.getByLabel('体温（°C）').fill('');
	expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

	expect(problems).toEqual([]);
});

test.describe('in a browser far from the site', () => {
	test.use({ timezoneId: 'America/Los_Angeles' });

	test("the time axis runs in the site's zone, not the browser's", async ({ page }) => {
		const fx = fixture();
		await loginAs(page, 'site_staff');
		await page.goto(`/residents/${fx.centralResident.id}`);
		const temperature = page.getByTestId('vital-chart').and(page.locator('[data-kind="temperature"]'));
		await expect(temperature).toHaveAttribute('data-x-ticks', /\d/);
		const ticks = (await temperature.getAttribute('data-x-ticks'))!.split(' ').map(Number);
		const shanghai = new Intl.DateTimeFormat('en', {
			timeZone: 'Asia/Shanghai',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		});
		const times = new Set(ticks.map((t) => shanghai.format(new Date(t))));
		// Day ticks fall on Shanghai's midnight (16:00 or 17:00 the day before in Los Angeles); hour ticks
		// on whole hours.
		const days = (await temperature.getAttribute('data-x-unit')) === 'day';
		if (days) expect([...times]).toEqual(['00:00']);
		else for (const t of times) expect(t).toMatch(/:00$/);
		// The summary names the highest temperature's time in the site's zone, as the table does.
		const name = (await page.getByRole('img', { name: /^体温: / }).getAttribute('aria-label'))!;
		const [, month, day, time] = name.match(/最高 [\d.]+ °C（(\d+)\/(\d+) (\d\d:\d\d)）/)!;
		const stamp = `/${month!.padStart(2, '0')}/${day!.padStart(2, '0')} ${time}`;
		await expect(
			page.getByRole('region', { name: '本次隔离的全部读数' }).getByRole('cell', { name: stamp }).first()
		).toBeVisible();
	});
});
