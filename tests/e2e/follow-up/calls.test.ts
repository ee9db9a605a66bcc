import { expect, test } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test('a clinician opens the slot call list from the menu: counts at the top and a filter by community', async ({
	page
}) => {
	await loginAs(page, 'clinician');
	await page.getByRole('link', { name: '电话随访' }).first().click();
	await expect(page.getByRole('heading', { name: '电话随访', level: 1 })).toBeVisible();
	await expect(page.getByTestId('count-due')).toHaveText(/待随访 \d+/);
	await expect(page.getByTestId('count-done')).toHaveText(/已完成 \d+/);
	await expect(page.getByTestId('count-unreached')).toHaveText(/未接通 \d+/);

	const community = page.getByLabel('社区');
	await expect(community.locator('option')).toContainText(['全部社区', '解放区焦北街道社区卫生服务中心']);
	await community.selectOption({ label: '解放区焦北街道社区卫生服务中心' });
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page).toHaveURL(/communityId=[0-9a-f-]{36}/);
	await expect(community).toHaveValue(/[0-9a-f-]{36}/);
	// Every listed resident belongs to the chosen community.
	const rows = page.getByTestId('call-row');
	for (const row of await rows.all()) await expect(row).toContainText('解放区焦北街道社区卫生服务中心');

	// A page number past the end of a short list shows the list itself, without a pager.
	const url = new URL(page.url());
	url.searchParams.set('page', '99');
	await page.goto(url.toString());
	await expect(page.getByRole('heading', { name: '电话随访', level: 1 })).toBeVisible();
	await expect(rows.first()).toBeVisible();
	await expect(page.getByRole('navigation', { name: /第 \d+ 页/ })).toHaveCount(0);
});
