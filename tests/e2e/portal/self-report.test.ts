import { expect, test, type Browser, type Page } from '@playwright/test';
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { loginAs } from '../helpers';

test.describe.configure({ timeout: 120_000 });

/** Staff admit a resident to a room at the hotel site; returns the sign-in code on her slip. */
async function admit(browser: Browser, who: { name: string; first17: string; phone: string }) {
	const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	try {
		const staff = await ctx.newPage();
		await loginAs(staff, 'site_staff');
		await staff.goto('/admit');
		await staff.getByLabel('姓名', { exact: true }).fill(who.name);
		await staff.getByLabel('证件号码').fill(who.first17 + idCheckChar(who.first17));
		await staff.getByLabel('手机号', { exact: true }).fill(who.phone);
		await staff.getByLabel('住址', { exact: true }).fill('焦作市解放区民主路 32 号');
		await staff.getByLabel('所属社区').selectOption({ label: '解放区焦北街道社区卫生服务中心' });
		await staff.getByLabel('人员类别').selectOption({ label: '密切接触者' });
		await staff.getByLabel('隔离方案').selectOption({ label: '密接 7+3（第九版）' });
		const room = staff.getByLabel('房间', { exact: true });
		const option = room.locator('optgroup[label="焦作市丽景酒店集中隔离点"] option').last();
		await room.selectOption({ label: (await option.textContent())!.trim() });
		await staff.getByRole('button', { name: '登记入住' }).click();
		const slip = staff.getByRole('article', { name: '入住告知单' });
		return (await slip.getByTestId('sign-in-code').textContent())!.replace(/\s/g, '');
	} finally {
		await ctx.close();
	}
}

async function signIn(page: Page, phone: string, code: string) {
	await page.goto('/login');
	const form = page.locator('form[action^="?/resident"]');
	await form.getByLabel('手机号').fill(phone);
	await form.getByLabel('登录码').fill(code);
	await form.getByRole('button').click();
	await expect(page).toHaveURL(/\/me$/);
}

const fields = (page: Page) => {
	const report = page.locator('form[action="?/report"]');
	return {
		report,
		temperature: report.getByRole('spinbutton', { name: /体温/ }),
		spo2: report.getByRole('spinbutton', { name: /血氧饱和度/ }),
		fatigue: report.getByRole('checkbox', { name: '乏力' }),
		key: report.locator('input[name="idempotencyKey"]'),
		submit: report.getByRole('button', { name: '提交' })
	};
};

test('the self-report keeps typed values next to a field error, answers with advice, and sends once', async ({
	browser
}) => {
	const phone = '13803917790';
	const code = await admit(browser, { name: '孙晓燕', first17: '41080219800115002', phone });
	const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	try {
		const page = await ctx.newPage();
		await signIn(page, phone, code);
		const f = fields(page);
		const firstKey = await f.key.inputValue();
		expect(firstKey.length).toBeGreaterThanOrEqual(8);

		// Answered in place: the page is not loaded again.
		await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
		await f.temperature.fill('36.8');
		await f.spo2.fill('120');
		await f.fatigue.check();
		await f.submit.click();
		await expect(f.report.getByRole('alert')).toHaveText(/应在 40–100 之间。/);
		await expect(f.spo2).toHaveAttribute('aria-invalid', 'true');
		await expect(f.spo2).toBeFocused();
		await expect(f.temperature).toHaveValue('36.8');
		await expect(f.temperature).not.toHaveAttribute('aria-invalid', 'true');
		await expect(f.spo2).toHaveValue('120');
		await expect(f.fatigue).toBeChecked();
		await expect(page.getByText('已记录，谢谢！读数正常。')).toHaveCount(0);
		// The same report tried again keeps its key, so a retry is never counted twice.
		await expect(f.key).toHaveValue(firstKey);

		// A good report: one request however often it is sent while the first is on its way.
		let posts = 0;
		const isReport = (url: URL) => url.pathname === '/me' && url.search === '?/report';
		await page.route(isReport, async (route) => {
			posts++;
			await new Promise((r) => setTimeout(r, 600));
			await route.continue();
		});
		await f.spo2.fill('98');
		await f.fatigue.uncheck();
		await f.submit.click();
		await expect(f.submit).toHaveAttribute('aria-busy', 'true');
		// Pressed again (the busy button is aria-disabled, so the press is forced) and sent by Enter.
		await f.submit.click({ force: true });
		await f.spo2.press('Enter');
		await f.report.evaluate((form: HTMLFormElement) => form.requestSubmit());
		await expect(page.getByRole('alert')).toHaveText('已记录，谢谢！读数正常。');
		await expect(f.submit).not.toHaveAttribute('aria-busy', 'true');
		expect(posts).toBe(1);
		await expect(f.report.getByRole('alert')).toHaveCount(0);
		// Empty again for the next report, under a new key.
		await expect(f.temperature).toHaveValue('');
		await expect(f.spo2).toHaveValue('');
		await expect(f.fatigue).not.toBeChecked();
		await expect(f.key).not.toHaveValue(firstKey);
		expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

		// A second report in a row starts empty again after its answer too.
		await page.unroute(isReport);
		await f.temperature.fill('36.7');
		await f.submit.click();
		await expect(f.temperature).toHaveValue('');
		await expect(page.getByRole('alert')).toHaveText('已记录，谢谢！读数正常。');
	} finally {
		await ctx.close();
	}
});

test('the self-report works without JavaScript', async ({ browser }) => {
	const phone = '13803917791';
	const code = await admit(browser, { name: '周立新', first17: '41080219790621003', phone });
	const ctx = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		javaScriptEnabled: false
	});
	try {
		const page = await ctx.newPage();
		await signIn(page, phone, code);
		const f = fields(page);
		const firstKey = await f.key.inputValue();

		await f.temperature.fill('29');
		await f.spo2.fill('97');
		await f.fatigue.check();
		await f.submit.click();
		await expect(f.report.getByRole('alert')).toHaveText(/体温应在 30\.0–45\.0 °C 之间。/);
		await expect(f.temperature).toHaveValue('29');
		await expect(f.spo2).toHaveValue('97');
		await expect(f.fatigue).toBeChecked();
		await expect(f.key).toHaveValue(firstKey);

		await f.temperature.fill('36.6');
		await f.fatigue.uncheck();
		await f.submit.click();
		await expect(page.getByRole('alert')).toHaveText('已记录，谢谢！读数正常。');
		await expect(f.temperature).toHaveValue('');
		await expect(f.spo2).toHaveValue('');
	} finally {
		await ctx.close();
	}
});
