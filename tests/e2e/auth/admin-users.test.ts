import { expect, test, type Page } from '@playwright/test';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });
// Journeys of several people, each signing in (admins with a second factor).
test.describe.configure({ timeout: 60_000 });

async function signIn(page: Page, username: string, password: string) {
	await page.goto('/login');
	const form = page.locator('form[action^="?/staff"]');
	await form.getByLabel('用户名').fill(username);
	await form.getByLabel('密码').fill(password);
	await form.getByRole('button').click();
}

test('an admin creates a nurse, who must set a password, sees only her site, and is cut off at deactivation', async ({
	browser
}) => {
	const adminCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const admin = await adminCtx.newPage();
	await loginAs(admin, 'admin');
	await admin.getByRole('navigation').getByRole('link', { name: '用户', exact: true }).click();
	await admin.getByRole('link', { name: '新建用户' }).click();
	await expect(admin.getByRole('heading', { level: 1 })).toHaveText('新建用户');

	// A common first password is refused with a message at the field.
	await admin.getByLabel('用户名', { exact: true }).fill('nurse-li');
	await admin.getByLabel('姓名', { exact: true }).fill('李护士');
	await admin.getByLabel('角色').selectOption('site_staff');
	await admin.getByRole('checkbox', { name: /焦作市丽景酒店集中隔离点/ }).check();
	await admin.getByLabel('初始密码').fill('password123');
	await admin.getByRole('button', { name: '创建用户' }).click();
	await expect(admin.getByText('这是常见密码，容易被猜到，请换一个。')).toBeVisible();

	await admin.getByLabel('初始密码').fill('first day on ward 3');
	await admin.getByRole('button', { name: '创建用户' }).click();
	await expect(admin.getByText('用户已创建。')).toBeVisible();
	await expect(admin.getByRole('heading', { level: 1 })).toHaveText('编辑用户 nurse-li');

	const nurseCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const nurse = await nurseCtx.newPage();
	await signIn(nurse, 'nurse-li', 'first day on ward 3');
	await expect(nurse).toHaveURL(/\/account\/password$/);
	await expect(nurse.getByText('首次登录或密码已被重置，请先设置新密码。')).toBeVisible();
	// Any other page sends her back until she has changed it.
	await nurse.goto('/staff');
	await expect(nurse).toHaveURL(/\/account\/password$/);
	await nurse.getByLabel('当前密码').fill('first day on ward 3');
	await nurse.getByLabel('新密码', { exact: true }).fill('lanterns over the river');
	await nurse.getByLabel('再次输入新密码').fill('lanterns over the river');
	await nurse.getByRole('button', { name: '保存新密码' }).click();
	await expect(nurse.getByText('密码已修改，其他设备上的登录已退出。')).toBeVisible();
	await nurse.goto('/staff');
	await expect(nurse.getByRole('heading', { name: /焦作市丽景酒店集中隔离点/ })).toBeVisible();
	await expect(nurse.getByRole('heading', { name: /山阳区会展宾馆集中隔离点/ })).toHaveCount(0);

	// The admin deactivates her: her open session ends at once.
	await admin.getByRole('button', { name: '停用账号' }).click();
	await admin.getByRole('dialog').getByRole('button', { name: '停用账号' }).click();
	await expect(admin.getByText('账号已停用，其所有登录已退出。')).toBeVisible();
	await nurse.reload();
	await expect(nurse).toHaveURL(/\/login/);

	// The audit log shows who created her.
	await admin.goto('/admin/audit?entity=user');
	await expect(admin.getByRole('cell', { name: 'create' }).first()).toBeVisible();
	await expect(admin.getByText('"username":"nurse-li"').first()).toBeVisible();

	await adminCtx.close();
	await nurseCtx.close();
});

test('staff reveal a resident phone; the reveal is in the audit log', async ({ browser }) => {
	const { fixture } = await import('../env');
	const fx = fixture();
	const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await ctx.newPage();
	await loginAs(page, 'site_staff');
	await page.goto(`/residents/${fx.centralResident.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(fx.centralResident.name);
	const masked = `${fx.centralResident.idNumber.slice(0, 4)}**********${fx.centralResident.idNumber.slice(-4)}`;
	await expect(page.getByText(masked)).toBeVisible();
	await expect(page.getByText(fx.centralResident.idNumber)).toHaveCount(0);
	// A purpose from the short list comes first; the page will not send the request without one.
	await page.getByRole('button', { name: '显示完整号码' }).first().click();
	await expect(page.getByText(fx.centralResident.idNumber)).toHaveCount(0);
	await page.getByLabel('查看用途').selectOption({ label: '核验身份（入住、解除、转运交接）' });
	await page.getByRole('button', { name: '显示完整号码' }).first().click();
	await expect(page.getByText(fx.centralResident.idNumber)).toBeVisible();
	await expect(page.getByText('已显示（已记录）')).toBeVisible();
	await ctx.close();

	const adminCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const admin = await adminCtx.newPage();
	await loginAs(admin, 'admin');
	await admin.goto(`/admin/audit?resident=${fx.centralResident.id}`);
	await expect(admin.getByRole('cell', { name: 'reveal' })).toBeVisible();
	await expect(admin.getByText('"purpose":"verify_identity"').first()).toBeVisible();
	await expect(admin.getByRole('cell', { name: 'view' }).first()).toBeVisible();
	await expect(admin.getByText(masked).first()).toBeVisible();
	await expect(admin.getByText(fx.centralResident.idNumber)).toHaveCount(0);
	await adminCtx.close();
});
