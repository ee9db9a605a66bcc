import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test('a clinician works a reached call with a fever by keyboard: the number is revealed, the fever alert fires', async ({
	page
}) => {
	const fx = fixture();
	await loginAs(page, 'clinician');
	await page.goto(`/clinician/calls/${fx.homeStayId}`);
	await expect(page.getByRole('heading', { name: fx.homeResident.name, level: 1 })).toBeVisible();

	// The number is masked until asked for; then it is a tel: link.
	await page.getByRole('button', { name: '显示号码（留痕）' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('dial')).toHaveAttribute('href', /^tel:1[3-9]\d{9}$/);

	await page.getByLabel('体温（°C）').focus();
	await page.keyboard.type('37.8');
	await page.keyboard.press('Tab');
	await page.keyboard.type('97');
	await page.getByRole('checkbox', { name: '需要药品' }).focus();
	await page.keyboard.press('Space');
	await page.getByRole('radio', { name: '已接通' }).focus();
	await page.keyboard.press('Space');
	await page.getByRole('button', { name: '保存并下一位' }).focus();
	await page.keyboard.press('Enter');
	// Save and next: the next resident's call, or the list when nobody else is due.
	await expect(page).not.toHaveURL(new RegExp(fx.homeStayId));
	await expect(page).toHaveURL(/\/clinician\/calls/);

	await page.goto('/alerts');
	const fever = page
		.getByTestId('alert')
		.filter({ hasText: fx.homeResident.name })
		.and(page.locator('[data-kind="fever"]'));
	await expect(fever).toContainText('37.8');
});
