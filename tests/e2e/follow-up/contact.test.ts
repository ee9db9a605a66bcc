import { expect, test } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test('a wrong number flags the contact details until the phone is corrected on the resident page', async ({
	page
}) => {
	await loginAs(page, 'clinician');
	await page.goto('/clinician/calls');
	const rows = page.getByRole('list', { name: '电话随访' }).getByTestId('call-row');
	// A resident whose number is not flagged yet.
	await rows.filter({ hasNotText: '号码有误' }).last().getByRole('link').click();
	await page.waitForURL(/\/clinician\/calls\/[0-9a-f-]{36}$/);
	const name = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();
	const callUrl = page.url();
	await page.getByRole('radio', { name: '号码错误' }).check();
	await page.getByRole('button', { name: '保存并下一位' }).click();
	await expect(page).not.toHaveURL(callUrl);

	// The list and the call screen say so.
	await page.goto('/clinician/calls');
	await expect(page.getByTestId('call-row').filter({ hasText: name })).toContainText('号码有误，待更正');
	await page.goto(callUrl);
	await expect(page.getByTestId('phone-flag')).toHaveText(/号码有误，待更正/);

	// The resident page: the flag, the attempt in the call history, and the correction.
	await page.getByRole('link', { name: '查看档案' }).click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
	await expect(page.getByTestId('phone-flag')).toContainText('号码有误，待更正');
	await expect(page.getByTestId('call-history-row').first()).toContainText('号码错误');
	await expect(page.getByTestId('call-history-row').first()).toContainText('李医生');

	const fix = page.getByTestId('phone-correction');
	await fix.getByLabel('新手机号').fill('12345');
	await fix.getByRole('button', { name: '保存手机号' }).click();
	await expect(fix).toContainText('手机号应为 11 位，以 1 开头。');
	await expect(page.getByTestId('phone-flag')).toBeVisible();

	await fix.getByLabel('新手机号').fill('139 1234 5678');
	await fix.getByRole('button', { name: '保存手机号' }).click();
	await expect(fix).toContainText('手机号已更正：139****5678');
	await expect(page.getByTestId('phone-flag')).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('phone-flag')).toHaveCount(0);
	await expect(page.getByText('139****5678')).toBeVisible();
	await page.goto('/clinician/calls');
	await expect(page.getByTestId('call-row').filter({ hasText: name })).not.toContainText('号码有误');
});

test('a rare value on a call must be confirmed a second time before it is saved', async ({ page }) => {
	await loginAs(page, 'clinician');
	await page.goto('/clinician/calls');
	await page.getByRole('list', { name: '电话随访' }).getByTestId('call-row').last().getByRole('link').click();
	await page.waitForURL(/\/clinician\/calls\/[0-9a-f-]{36}$/);
	const callUrl = page.url();

	await page.getByLabel('体温（°C）').fill('34.2');
	await page.getByRole('radio', { name: '已接通' }).check();
	await page.getByRole('button', { name: '保存并下一位' }).click();
	await expect(page.getByText('这是少见的极端值，请核对后勾选确认再保存。').first()).toBeVisible();
	await expect(page).toHaveURL(callUrl);
	const confirm = page.getByRole('checkbox', { name: '数值确认无误（少见的极端值）' });
	await confirm.check();
	await page.getByRole('button', { name: '保存并下一位' }).click();
	await expect(page).not.toHaveURL(callUrl);

	// Saved as a phone reading: the call screen's trend ends with it.
	await page.goto(callUrl);
	await expect(page.getByTestId('trend')).toHaveAttribute('aria-label', /最近三次体温：.*34\.2$/);
});
