import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs, seriousViolations } from '../helpers';

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

test('a clinician notes needs on a call and requests them from the call screen; the requests reach the community’s deliveries', async ({
	page
}) => {
	test.setTimeout(90_000);
	const fx = fixture();
	const community = '解放区焦北街道社区卫生服务中心';
	const detail = `布洛芬一盒，米五斤 ${Date.now() % 100_000}`;
	await loginAs(page, 'clinician');
	// The community's own list: "save and next" stays on it.
	await page.goto(`/clinician/calls?communityId=${fx.communityS01Id}`);
	const list = page.getByRole('list', { name: '电话随访' });
	expect(await list.getByTestId('call-row').count()).toBeGreaterThanOrEqual(2);
	await list.getByTestId('call-row').first().getByRole('link').click();
	await expect(page).toHaveURL(/\/clinician\/calls\/[0-9a-f-]{36}\?communityId=/);
	const heading = page.getByRole('heading', { level: 1 });
	const name = (await heading.textContent())!.trim();
	const firstCall = page.url();

	await page.getByRole('checkbox', { name: '需要药品' }).check();
	await page.getByRole('checkbox', { name: '需要生活物资' }).check();
	await page.getByLabel('需求说明').fill(detail);
	await page.getByRole('radio', { name: '已接通' }).check();
	await page.getByRole('button', { name: '保存并下一位' }).click();

	// The next resident of the same community's list, with the call just saved at the top.
	await expect(heading).not.toHaveText(name);
	await expect(page).toHaveURL(new RegExp(`communityId=${fx.communityS01Id}.*saved=`));
	await expect(heading.locator('xpath=following-sibling::p[1]')).toContainText(community);
	const saved = page.getByTestId('saved-call');
	await expect(saved.getByRole('status')).toHaveText(`已保存与${name}的通话（已接通）。`);
	const needs = saved.getByTestId('call-need');
	await expect(needs).toHaveCount(2);
	await expect(saved).toContainText(detail);
	const medicine = needs.filter({ hasText: '需要药品' });
	expect(await seriousViolations(page)).toEqual([]);

	// Two presses make one request; the need then reads as requested, here and after a reload.
	await medicine.getByRole('button', { name: `为${name}生成配送申请` }).dblclick();
	await expect(medicine.getByText('已生成申请')).toBeVisible();
	await expect(medicine.getByRole('button')).toHaveCount(0);
	await page.reload();
	await expect(medicine.getByText('已生成申请')).toBeVisible();
	await expect(medicine.getByRole('button')).toHaveCount(0);
	await expect(needs.filter({ hasText: '需要生活物资' }).getByRole('button')).toBeVisible();

	// Back on that resident's own call screen, the needs noted on their calls: the other one from here.
	await page.goto(firstCall);
	const own = page.getByTestId('open-needs');
	await expect(own.getByRole('heading', { name: '此人电话随访记下的需求' })).toBeVisible();
	await expect(own.getByTestId('call-need').filter({ hasText: '需要药品' })).toContainText('已生成申请');
	const supplies = own.getByTestId('call-need').filter({ hasText: '需要生活物资' });
	await supplies.getByRole('button', { name: '按此需求生成配送申请' }).click();
	await expect(supplies.getByText('已生成申请')).toBeVisible();

	// Both wait on the community's delivery worklist, once each, as requests from the call.
	await page.goto(`/sites/${fx.communityS01Id}/deliveries`);
	const rows = page.getByTestId('delivery-row').filter({ hasText: name }).filter({ hasText: detail });
	await expect(rows).toHaveCount(2);
	for (const row of await rows.all()) await expect(row).toHaveAttribute('data-status', 'requested');

	// And on the resident's record: both requests in their deliveries, both needs marked as requested.
	await rows.first().getByRole('link', { name }).click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
	await expect(page.getByTestId('record-delivery').filter({ hasText: detail })).toHaveCount(2);
	const onRecord = page.getByTestId('call-need');
	await expect(onRecord).toHaveCount(2);
	for (const need of await onRecord.all()) await expect(need).toContainText('已生成申请');
});
