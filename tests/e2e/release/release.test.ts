import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

const today = () => DateTime.now().setZone('Asia/Shanghai');

// Two browsers and a production server on two cores: each journey takes a while.
test.describe.configure({ timeout: 90_000 });

test('a 7+3 resident moves from the site to home monitoring, reaches the community with their alert, and the room is cleaned', async ({
	browser
}) => {
	const fx = fixture();
	const staffCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const clinicianCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	try {
		const staff = await staffCtx.newPage();
		await loginAs(staff, 'site_staff');
		await staff.goto(`/residents/${fx.handoverResident.id}`);
		await staff.getByRole('button', { name: '交接至居家健康监测' }).click();
		const dialog = staff.getByRole('dialog', { name: '点对点交接' });
		await expect(dialog).toContainText('未处理的预警随人员转至社区');
		await dialog.getByRole('button', { name: '确认交接' }).click();
		// The resident is no longer the site's: staff land on their list.
		await expect(staff).toHaveURL(/\/residents$/);

		// The room waits for terminal disinfection, then is free again once marked clean.
		await staff.goto(`/sites/${fx.siteC01Id}/board`);
		const room = staff.locator(`li.room[data-room-id="${fx.handoverResident.roomId}"]`);
		await expect(room).toContainText('待终末消毒');
		await room.getByRole('button', { name: /标记已消毒/ }).click();
		await expect(room).toContainText('空闲');
		await expect(room.getByRole('button', { name: /标记已消毒/ })).toHaveCount(0);
		// And it is offered at admission again.
		await staff.goto('/admit');
		await expect(staff.locator(`option[value="${fx.handoverResident.roomId}"]`)).toHaveCount(1);

		// The community's clinician now has the resident, in home monitoring, with the open alert.
		const clinician = await clinicianCtx.newPage();
		await loginAs(clinician, 'clinician');
		await clinician.goto(`/residents/${fx.handoverResident.id}`);
		await expect(clinician.getByRole('heading', { name: fx.handoverResident.name, level: 1 })).toBeVisible();
		await expect(clinician.getByText('居家健康监测').first()).toBeVisible();
		// On the community's resident list and on its phone follow-up list for this slot.
		await clinician.goto(`/residents?siteId=${fx.communityS01Id}`);
		await expect(clinician.getByRole('link', { name: fx.handoverResident.name })).toBeVisible();
		await clinician.goto('/clinician/calls');
		await expect(clinician.getByText(fx.handoverResident.name).first()).toBeVisible();
		await clinician.goto('/alerts');
		const alert = clinician.locator('[data-testid="alert"][data-kind="symptom"]').filter({
			hasText: fx.handoverResident.name
		});
		await expect(alert).toBeVisible();
	} finally {
		await staffCtx.close();
		await clinicianCtx.close();
	}
});

test('a ready resident is released once the last test is negative; the notice prints with the right dates and the resident can open it', async ({
	browser
}) => {
	const fx = fixture();
	const staffCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const residentCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	try {
		const page = await staffCtx.newPage();
		await loginAs(page, 'site_staff');

		// The site's release list names what blocks: the last test has no result yet.
		await page.goto(`/sites/${fx.siteC01Id}/release`);
		const row = page.getByRole('row', { name: new RegExp(fx.readyResident.name) });
		await expect(row).toContainText('第 2 阶段第 3 天检测未出结果');
		await row.getByRole('link', { name: fx.readyResident.name }).click();

		await expect(page.getByText('未满足解除条件')).toBeVisible();
		await page.getByRole('button', { name: '录入结果' }).click();
		const result = page.getByRole('dialog', { name: '录入检测结果' });
		await result.getByLabel('阴性').check();
		await result.getByRole('button', { name: '保存结果' }).click();
		await expect(page.getByText('已保存检测结果。')).toBeVisible();
		await expect(page.getByText('满足解除条件', { exact: true })).toBeVisible();

		await page.getByRole('button', { name: '解除隔离', exact: true }).click();
		const release = page.getByRole('dialog', { name: '解除隔离' });
		await release.getByRole('button', { name: '确认解除' }).click();
		// The stay has ended: its actions are gone and its notice is offered.
		await expect(page.locator('p.day')).toContainText('已解除');
		await expect(page.getByRole('button', { name: '解除隔离', exact: true })).toHaveCount(0);

		await page.getByRole('link', { name: '解除隔离通知单' }).click();
		await expect(page.getByRole('heading', { name: '解除隔离通知单', level: 1 })).toBeVisible();
		await expect(page.getByTestId('notice-number')).toHaveText(/^编号：JZ-C01-\d{4}-\d{6}$/);
		const admitted = today().minus({ hours: 10 * 24 + 3 });
		await expect(page.getByTestId('notice-admitted')).toContainText(admitted.toFormat('yyyy/MM/dd'));
		await expect(page.getByTestId('notice-released')).toContainText(today().toFormat('yyyy/MM/dd'));
		await expect(page.locator('dd').filter({ hasText: '王护士' })).toBeVisible();
		// Masked ID only.
		await expect(page.locator('dd').filter({ hasText: /^4108\*+/ })).toBeVisible();
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('button', { name: '打印 / 保存为 PDF' })).toBeHidden();
		await page.screenshot({ path: 'test-results/release-notice-print.png', fullPage: true });
		await page.emulateMedia({ media: 'screen' });

		// The room awaits disinfection.
		await page.goto(`/sites/${fx.siteC01Id}/board`);
		await expect(page.locator(`li.room[data-room-id="${fx.readyResident.roomId}"]`)).toContainText(
			'待终末消毒'
		);

		// The resident signs in with their (now read-only) code and opens the same notice.
		const me = await residentCtx.newPage();
		await me.goto('/login');
		const form = me.locator('form[action^="?/resident"]');
		await form.getByLabel(/手机号/).fill(fx.readyResident.phone);
		await form.getByLabel(/登录码/).fill(fx.readyResident.code);
		await form.getByRole('button').click();
		await expect(me).toHaveURL(/\/me/);
		await me.getByRole('link', { name: '解除隔离通知单' }).click();
		await expect(me.getByTestId('notice-released')).toContainText(today().toFormat('yyyy/MM/dd'));
	} finally {
		await staffCtx.close();
		await residentCtx.close();
	}
});
