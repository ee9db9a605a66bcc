import { expect, test } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('an admin sets up a community and a centralised site with rooms on floors 2–3', async ({ page }) => {
	await loginAs(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: '隔离点', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('隔离点与社区');
	await expect(page.getByRole('link', { name: 'JZ-C01' })).toBeVisible();

	// A community, with a mistyped time zone first: the form says what is wrong.
	await page.getByRole('link', { name: '新建隔离点或社区' }).click();
	await page.getByLabel('代码', { exact: true }).fill('E2E-S91');
	await page.getByLabel('类型', { exact: true }).selectOption('community');
	await page.getByLabel('名称', { exact: true }).fill('测试区示范社区卫生服务中心');
	await page.getByLabel('英文名称', { exact: true }).fill('Demo Community Health Centre');
	await page.getByLabel('电话', { exact: true }).fill('0391-5550101');
	await page.getByLabel('时区', { exact: true }).fill('Asia/Shanghia');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page.getByText('不是有效的 IANA 时区，例如 Asia/Shanghai。')).toBeVisible();
	await page.getByLabel('时区', { exact: true }).fill('Asia/Shanghai');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page.getByText('已创建。')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('测试区示范社区卫生服务中心');
	await expect(page.getByText('社区没有房间：居家隔离人员按住址管理。')).toBeVisible();

	// The same code again is refused at the code field.
	await page.goto('/admin/sites/new');
	await page.getByLabel('代码', { exact: true }).fill('E2E-S91');
	await page.getByLabel('名称', { exact: true }).fill('重复代码');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page.getByText('该代码已被使用。')).toBeVisible();

	// A centralised site, then its rooms: floors 2–3, rooms 1–6 on each.
	await page.getByLabel('代码', { exact: true }).fill('E2E-C91');
	await page.getByLabel('类型', { exact: true }).selectOption('centralised');
	await page.getByLabel('名称', { exact: true }).fill('测试宾馆集中隔离点');
	await page.getByRole('button', { name: '创建' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('测试宾馆集中隔离点');
	await expect(page.getByText('还没有房间。')).toBeVisible();

	const bulk = page.locator('form[action="?/addRooms"]');
	await bulk.getByLabel('起始楼层').fill('2');
	await bulk.getByLabel('结束楼层').fill('3');
	await bulk.getByLabel('每层起始序号').fill('1');
	await bulk.getByLabel('每层结束序号').fill('6');
	await bulk.getByLabel('床位数').fill('1');
	await bulk.getByRole('button', { name: '新建房间' }).click();
	await expect(page.getByText('已新建 12 间，跳过 0 间（房号已存在）。')).toBeVisible();

	const table = page.getByRole('table', { name: '房间' });
	await expect(table.getByRole('rowheader', { name: '2 层' })).toBeVisible();
	await expect(table.getByRole('rowheader', { name: '3 层' })).toBeVisible();
	const numbers = await table.locator('tbody th[scope="row"]').allTextContents();
	expect(numbers.map((s) => s.trim())).toEqual([
		...['201', '202', '203', '204', '205', '206'],
		...['301', '302', '303', '304', '305', '306']
	]);

	// Again, one floor up: the existing floor 3 is skipped.
	await bulk.getByLabel('起始楼层').fill('3');
	await bulk.getByLabel('结束楼层').fill('4');
	await bulk.getByRole('button', { name: '新建房间' }).click();
	await expect(page.getByText('已新建 6 间，跳过 6 间（房号已存在）。')).toBeVisible();
	await expect(table.getByRole('rowheader', { name: '4 层' })).toBeVisible();

	// One room out of service, with two beds.
	await page.getByRole('button', { name: '修改房间 305' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByLabel('床位数').fill('2');
	await dialog.getByLabel('状态').selectOption('out_of_service');
	await dialog.getByRole('button', { name: '保存' }).click();
	await expect(page.getByText('房间 305 已保存。')).toBeVisible();
	const row305 = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '305' }) });
	await expect(row305).toContainText('停用');
	await expect(row305.getByRole('cell').first()).toHaveText('2');

	// The list counts the rooms by status.
	await page.getByRole('link', { name: '返回隔离点列表' }).click();
	const listRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'E2E-C91' }) });
	// Code, name, kind, district, phone, zone, then rooms: all, available, occupied, cleaning, out of service.
	await expect(listRow.getByRole('cell').nth(6)).toHaveText('18');
	await expect(listRow.getByRole('cell').nth(7)).toHaveText('17');
	await expect(listRow.getByRole('cell').nth(10)).toHaveText('1');

	// Leave the demo as it was: both new places deactivated.
	for (const code of ['E2E-C91', 'E2E-S91']) {
		await page.goto(`/admin/sites/${code}`);
		await page.getByRole('button', { name: '停用', exact: true }).click();
		await page.getByRole('dialog').getByRole('button', { name: '停用', exact: true }).click();
		await expect(page.getByText('已停用。')).toBeVisible();
	}
});

test('an admin creates a plan and edits its days; the page says admitted stays keep theirs', async ({
	page
}) => {
	await loginAs(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: '方案', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('隔离方案');
	await expect(page.getByRole('cell', { name: '集中 7 天 + 居家健康监测 3 天' }).first()).toBeVisible();

	await page.getByRole('link', { name: '新建方案' }).click();
	await page.getByLabel('代码', { exact: true }).fill('e2e-5+3');
	await page.getByLabel('名称', { exact: true }).fill('测试方案 5+3');
	await page.getByLabel('依据', { exact: true }).fill('测试');
	const first = page.getByRole('group', { name: '第 1 阶段' });
	await first.getByLabel('天数').fill('5');
	await first.getByLabel('检测日').fill('1, 3, 5');
	await page.getByRole('button', { name: '创建方案' }).click();
	await expect(page.getByText('方案已创建。')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('测试方案 5+3');
	await expect(page.getByText('已入住的人员仍按入住时的方案执行')).toBeVisible();

	// Shorter home monitoring: a test day that no longer fits is refused at its field.
	const second = page.getByRole('group', { name: '第 2 阶段' });
	await second.getByLabel('天数').fill('2');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(second.getByText('检测日必须在该阶段的第 1 天到最后一天之间。')).toBeVisible();
	await second.getByLabel('检测日').fill('2');
	// Not offered at admission while it is being tried out.
	await page.getByLabel('启用（入住登记时可选）').uncheck();
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.getByText('已保存。之后的入住登记将使用修改后的方案。')).toBeVisible();
	await expect(page.getByText('共 7 天')).toBeVisible();

	await page.getByRole('link', { name: '返回方案列表' }).click();
	const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: '测试方案 5+3' }) });
	await expect(row).toContainText('集中 5 天 + 居家健康监测 2 天');
	await expect(row).toContainText('已停用');
});
