import { expect, test } from '@playwright/test';
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

/** "2026/11/24 22:05" plus whole days, in the same format. */
function plusDays(text: string, days: number): string {
	const [, y, mo, d, h, mi] = text.match(/(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})/)!;
	const dt = new Date(Date.UTC(+y!, +mo! - 1, +d! + days, +h!, +mi!));
	const p = (n: number) => String(n).padStart(2, '0');
	return `${dt.getUTCFullYear()}/${p(dt.getUTCMonth() + 1)}/${p(dt.getUTCDate())} ${p(dt.getUTCHours())}:${p(dt.getUTCMinutes())}`;
}

test('site staff admit a resident into a room; the slip, the room board and the list agree', async ({
	page,
	browser
}) => {
	const first17 = '41080219850615021';
	const idNumber = first17 + idCheckChar(first17);
	await loginAs(page, 'site_staff');
	await page.getByRole('navigation').getByRole('link', { name: '入住登记' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('入住登记');

	await page.getByLabel('姓名', { exact: true }).fill('赵新民');
	await page.getByLabel('证件号码').fill(idNumber);
	// The birth date and sex are read from the ID number as it is typed.
	await expect(page.getByText('出生日期 1985-06-15，男')).toBeVisible();
	await page.getByLabel('手机号', { exact: true }).fill('138 0391 2266');
	await page.getByLabel('住址', { exact: true }).fill('焦作市解放区民主路 12 号');
	await page.getByLabel('所属社区').selectOption({ label: '解放区焦北街道社区卫生服务中心' });
	await page.getByLabel('人员类别').selectOption({ label: '密切接触者' });
	await page.getByLabel('隔离方案').selectOption({ label: '密接 7+3（第九版）' });
	const room = page.getByLabel('房间', { exact: true });
	const option = room.locator('optgroup[label="焦作市丽景酒店集中隔离点"] option').first();
	const roomLabel = (await option.textContent())!;
	const roomNumber = roomLabel.match(/· (\d{3})（/)![1]!;
	await room.selectOption({ label: roomLabel.trim() });
	await page.getByRole('button', { name: '登记入住' }).click();

	await expect(page.getByText('已登记入住。')).toBeVisible();
	const slip = page.getByRole('article', { name: '入住告知单' });
	await expect(slip.getByText('赵新民')).toBeVisible();
	await expect(slip.getByText('4108**********')).toBeVisible();
	await expect(slip.getByText(roomNumber, { exact: true })).toBeVisible();
	await expect(slip.getByTestId('sign-in-code')).toHaveText(/^\d{4} \d{4}$/);
	await expect(slip.locator('svg').first()).toBeVisible();
	// 7 days centralised + 3 days home monitoring: release exactly 10 × 24 h after admission.
	const admitted = (await slip.locator('dt:text-is("入住时间") + dd').textContent())!;
	await expect(slip.getByTestId('release-at')).toHaveText(plusDays(admitted, 10));

	// The resident signs in on her own phone with the code from the slip (the QR link fills it in).
	const code = (await slip.getByTestId('sign-in-code').textContent())!.replace(/\s/g, '');
	const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } });
	const resident = await phone.newPage();
	await resident.goto(`/login?phone=13803912266&code=${code}#resident`);
	await resident.locator('form[action^="?/resident"]').getByRole('button').click();
	await expect(resident).toHaveURL(/\/me$/);
	await expect(resident.getByText('第 1 天 / 共 10 天')).toBeVisible();
	await expect(resident.getByText(plusDays(admitted, 10))).toBeVisible();
	await phone.close();

	// The residents list finds her by the last four ID characters, masked.
	await page.getByRole('navigation').getByRole('link', { name: '人员' }).click();
	await page.getByLabel('搜索').fill(idNumber.slice(-4));
	await page.getByRole('button', { name: '查询' }).click();
	const row = page.getByRole('row', { name: /赵新民/ });
	await expect(row).toBeVisible();
	await expect(row.getByText(`4108**********${idNumber.slice(-4)}`)).toBeVisible();
	await expect(row.getByText('138****2266')).toBeVisible();
	await expect(page.getByText(idNumber)).toHaveCount(0);
	const record = (await row.getByRole('link', { name: '赵新民' }).getAttribute('href'))!;

	// The room board shows the room occupied by 赵*: her tile links to her record (a two-bed room may
	// hold someone else of the same surname).
	await page.getByRole('navigation').getByRole('link', { name: '我的隔离点' }).click();
	await page.getByRole('link', { name: '房间看板' }).first().click();
	const tile = page.locator('li.room', { has: page.getByText(roomNumber, { exact: true }) });
	await expect(tile.getByText('已入住')).toBeVisible();
	const her = tile.locator(`a[href="${record}"]`);
	await expect(her).toContainText('赵*');
	await expect(her).toContainText('1/10');

	// Admitting the same person again is refused, with a link to the record.
	await page.goto('/admit');
	await page.getByLabel('姓名', { exact: true }).fill('赵新民');
	await page.getByLabel('证件号码').fill(idNumber);
	await page.getByLabel('手机号', { exact: true }).fill('13803912266');
	await page.getByLabel('住址', { exact: true }).fill('焦作市解放区民主路 12 号');
	await page.getByLabel('所属社区').selectOption({ label: '解放区焦北街道社区卫生服务中心' });
	await page.getByLabel('人员类别').selectOption({ label: '密切接触者' });
	await page.getByLabel('隔离方案').selectOption({ label: '密接 7+3（第九版）' });
	await page.getByLabel('房间', { exact: true }).selectOption({ index: 1 });
	await page.getByRole('button', { name: '登记入住' }).click();
	await expect(page.getByText('此人已在隔离中，不能重复登记。').first()).toBeVisible();
	await page.getByRole('link', { name: '查看其档案' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('赵新民');
	await expect(page.getByText('登记入住').first()).toBeVisible();
});

test('a bad check digit is caught on the form, naming the field', async ({ page }) => {
	await loginAs(page, 'site_staff');
	await page.goto('/admit');
	await page.getByLabel('姓名', { exact: true }).fill('钱多');
	const first17 = '41080219850615021';
	const wrong = idCheckChar(first17) === '1' ? '2' : '1';
	await page.getByLabel('证件号码').fill(first17 + wrong);
	await page.getByRole('button', { name: '登记入住' }).click();
	await expect(page.getByText('身份证校验位不正确，请核对号码。')).toBeVisible();
	await expect(page.getByLabel('证件号码')).toHaveAttribute('aria-invalid', 'true');
});
