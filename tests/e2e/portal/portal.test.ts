import { expect, test } from '@playwright/test';
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { fixture } from '../env';
import { loginAs, seriousViolations } from '../helpers';

test.describe.configure({ timeout: 120_000 });

test('a resident signs in with the slip code on a phone, sees the countdown and what is left, self-reports a fever and staff see the alert', async ({
	browser
}) => {
	const staffCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const phoneCtx = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true
	});
	try {
		// Staff admit her to a room; the slip carries her sign-in code.
		const staff = await staffCtx.newPage();
		await loginAs(staff, 'site_staff');
		await staff.goto('/admit');
		const first17 = '41080219720309044';
		await staff.getByLabel('姓名', { exact: true }).fill('钱小梅');
		await staff.getByLabel('证件号码').fill(first17 + idCheckChar(first17));
		await staff.getByLabel('手机号', { exact: true }).fill('13803917788');
		await staff.getByLabel('住址', { exact: true }).fill('焦作市解放区民主路 30 号');
		await staff.getByLabel('所属社区').selectOption({ label: '解放区焦北街道社区卫生服务中心' });
		await staff.getByLabel('人员类别').selectOption({ label: '密切接触者' });
		await staff.getByLabel('隔离方案').selectOption({ label: '密接 7+3（第九版）' });
		const room = staff.getByLabel('房间', { exact: true });
		const option = room.locator('optgroup[label="焦作市丽景酒店集中隔离点"] option').last();
		await room.selectOption({ label: (await option.textContent())!.trim() });
		await staff.getByRole('button', { name: '登记入住' }).click();
		const slip = staff.getByRole('article', { name: '入住告知单' });
		const code = (await slip.getByTestId('sign-in-code').textContent())!.replace(/\s/g, '');

		// On her phone.
		const phone = await phoneCtx.newPage();
		await phone.goto('/login');
		const form = phone.locator('form[action^="?/resident"]');
		await form.getByLabel('手机号').fill('13803917788');
		await form.getByLabel('登录码').fill(code);
		await form.getByRole('button').click();
		await expect(phone).toHaveURL(/\/me$/);

		// The countdown, the day of the plan, the plan as steps and what is still needed.
		await expect(phone.getByRole('timer')).toHaveAccessibleName(/^还剩 (9 天 23|10 天 0) 小时 \d+ 分钟$/);
		await expect(phone.getByText('第 1 天 / 共 10 天')).toBeVisible();
		await expect(phone.getByText(/^集中隔离医学观察至 .+，随后居家健康监测至 .+$/)).toBeVisible();
		const needs = phone.getByRole('region', { name: '解除前还需要' });
		await expect(needs.getByText(/^第 1 天的核酸检测还未做/)).toBeVisible();
		await expect(needs.getByText(/^第 10 天要做核酸检测（.+ 起）$/)).toBeVisible();
		await expect(needs.getByText('24 小时内还需要测 2 次体温')).toBeVisible();
		expect(await seriousViolations(phone)).toEqual([]);

		// She reports 37.6 °C with a dry cough and is told staff know.
		await phone.getByRole('spinbutton', { name: /体温/ }).fill('37.6');
		await phone.getByText('干咳', { exact: true }).click();
		await phone.getByRole('button', { name: '提交' }).click();
		await expect(phone.getByRole('alert')).toHaveText(/已通知医护人员，他们会尽快联系您/);
		// The form is empty again for the next report, and a rare value asks for a second send.
		await expect(phone.getByRole('spinbutton', { name: /体温/ })).toHaveValue('');
		await phone.getByRole('spinbutton', { name: /体温/ }).fill('41.5');
		await phone.getByRole('button', { name: '提交' }).click();
		await expect(phone.getByText('这个数值很少见，请核对；无误请再次提交。')).toBeVisible();

		// Staff see her fever alert.
		await staff.goto('/alerts');
		const alert = staff.locator('[data-testid="alert"][data-kind="fever"]').filter({ hasText: '钱小梅' });
		await expect(alert).toBeVisible();
		await expect(alert).toContainText('37.6');

		// Her tests and the help page, each readable by a screen reader.
		await phone.getByRole('link', { name: '检测' }).click();
		await expect(phone.getByRole('heading', { name: '我的检测' })).toBeVisible();
		await expect(phone.getByRole('listitem').filter({ hasText: '第 1 天' })).toContainText('未采样');
		expect(await seriousViolations(phone)).toEqual([]);
		await phone.getByRole('link', { name: '帮助' }).click();
		await expect(phone.getByRole('link', { name: '拨打 12356' })).toHaveAttribute('href', 'tel:12356');
		await expect(phone.getByRole('link', { name: '拨打 0391-3561201' })).toBeVisible();
		expect(await seriousViolations(phone)).toEqual([]);

		// Another resident's stay is not there for her.
		const other = await phone.goto(`/stays/${fixture().centralStayId}/notice`);
		expect(other?.status()).toBe(404);
	} finally {
		await staffCtx.close();
		await phoneCtx.close();
	}
});
