import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('a fever recorded in one browser appears in another browser’s inbox without reload; staff acknowledge and resolve it', async ({
	browser
}) => {
	const fx = fixture();
	const inboxCtx = await browser.newContext({ locale: 'zh-CN' });
	const wardCtx = await browser.newContext({ locale: 'zh-CN' });
	try {
		const inbox = await inboxCtx.newPage();
		await loginAs(inbox, 'site_staff');
		await inbox.goto('/alerts');
		await expect(inbox.getByRole('heading', { name: '告警', level: 1 })).toBeVisible();
		await expect(inbox.locator('[data-live="on"]')).toBeVisible();
		// Marks the page, so a reload (which would drop the mark) cannot pass for a live update.
		await inbox.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

		const ward = await wardCtx.newPage();
		await loginAs(ward, 'site_staff');
		await ward.goto(`/residents/${fx.centralResident.id}`);
		await expect(ward.getByRole('heading', { name: '录入体温与体征' })).toBeVisible();
		await ward.getByLabel('体温（°C）').fill('39.4');
		await ward.getByRole('button', { name: '保存记录' }).click();
		await expect(ward.getByText(/^已保存；已触发预警：发热/)).toBeVisible();

		const row = inbox
			.locator('[data-testid="alert"][data-kind="fever"]')
			.filter({ hasText: fx.centralResident.name });
		await expect(row).toBeVisible();
		await expect(row).toContainText('39.4 °C');
		await expect(row).toContainText('严重');
		expect(await inbox.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

		// Acknowledge with a note: the alert stays, marked with who acknowledged it.
		await row.getByRole('button', { name: '确认' }).click();
		const ackDialog = inbox.getByRole('dialog', { name: '确认告警' });
		await ackDialog.getByLabel('备注（将如何处理）').fill('已通知值班医生复测');
		await ackDialog.getByRole('button', { name: '确认', exact: true }).click();
		await expect(inbox.getByText('已确认。')).toBeVisible();
		await expect(row).toContainText('已确认');
		await expect(row).toContainText('已通知值班医生复测');
		await expect(row.getByRole('button', { name: '确认' })).toHaveCount(0);

		// Resolve: an outcome is required; then the alert leaves the inbox.
		await row.getByRole('button', { name: '处理完毕' }).click();
		const resolveDialog = inbox.getByRole('dialog', { name: '处理告警' });
		await resolveDialog.getByRole('button', { name: '处理完毕', exact: true }).click();
		await expect(resolveDialog.getByText('请选择处理结果。')).toBeVisible();
		await resolveDialog.getByLabel('备注').fill('复测中');

		// A new reading meanwhile: the open dialog keeps its error and what was typed; the list catches
		// up when the dialog closes.
		await ward.getByLabel('体温（°C）').fill('39.6');
		await ward.getByRole('button', { name: '保存记录' }).click();
		await expect(ward.getByText(/^已保存/)).toBeVisible();
		await inbox.waitForTimeout(1500);
		await expect(resolveDialog.getByText('请选择处理结果。')).toBeVisible();
		await expect(resolveDialog.getByLabel('备注')).toHaveValue('复测中');
		await expect(row).toContainText('39.4 °C');
		await resolveDialog.getByRole('button', { name: '取消' }).click();
		await expect(row).toContainText('39.6 °C');

		await row.getByRole('button', { name: '处理完毕' }).click();
		await resolveDialog.getByRole('radio', { name: '已现场处置' }).check();
		await resolveDialog.getByRole('button', { name: '处理完毕', exact: true }).click();
		await expect(inbox.getByText('已处理完毕。')).toBeVisible();
		await expect(row).toHaveCount(0);
	} finally {
		await inboxCtx.close();
		await wardCtx.close();
	}
});
