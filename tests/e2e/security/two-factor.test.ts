import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { adminTotp, loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
// Each journey signs several people in and out.
test.describe.configure({ timeout: 120_000 });

/** The code an authenticator app holding `secret` shows now (or `steps` periods away). */
function codeFor(secret: string, steps = 0): string {
	const key = decodeBase32IgnorePadding(secret.replace(/\s/g, ''));
	return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + steps), 6);
}

async function passwordStep(page: Page, username: string, password: string) {
	await page.goto('/login');
	const form = page.locator('form[action^="?/staff"]');
	await form.getByLabel('用户名').fill(username);
	await form.getByLabel('密码').fill(password);
	await form.getByRole('button').click();
}

/** An admin makes a new staff account; its first sign-in sets a password of its own. */
async function newStaff(browser: Browser, username: string, role: 'site_staff' | 'clinician') {
	const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const admin = await ctx.newPage();
	await loginAs(admin, 'admin');
	await admin.goto('/admin/users/new');
	await admin.getByLabel('用户名', { exact: true }).fill(username);
	await admin.getByLabel('姓名', { exact: true }).fill('测试人员');
	await admin.getByLabel('角色').selectOption(role);
	await admin
		.getByRole('checkbox', { name: role === 'site_staff' ? /焦作市丽景酒店集中隔离点/ : /社区/ })
		.first()
		.check();
	await admin.getByLabel('初始密码').fill('first day on ward 3');
	await admin.getByRole('button', { name: '创建用户' }).click();
	await expect(admin.getByText('用户已创建。')).toBeVisible();
	await ctx.close();
	const page = await (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
	await passwordStep(page, username, 'first day on ward 3');
	await page.getByLabel('当前密码').fill('first day on ward 3');
	await page.getByLabel('新密码', { exact: true }).fill('lanterns over the river');
	await page.getByLabel('再次输入新密码').fill('lanterns over the river');
	await page.getByRole('button', { name: '保存新密码' }).click();
	await expect(page.getByText('密码已修改，其他设备上的登录已退出。')).toBeVisible();
	return page;
}

test('an admin signs in with the code from an authenticator app holding the known demo secret', async ({
	page
}) => {
	await passwordStep(page, 'admin', 'demo-admin-2026');
	// The password alone opens nothing.
	await expect(page).toHaveURL(/\/login\/2fa/);
	await page.goto('/admin/users');
	await expect(page).toHaveURL(/\/login\/2fa\?next=%2Fadmin%2Fusers$/);
	// A wrong code: a plain message, still not signed in.
	await page.getByLabel('验证码', { exact: true }).fill(codeFor('ISOLATIONCAREDEMOADMINTOTPSECRET', 10));
	await page.getByRole('button', { name: '验证' }).first().click();
	await expect(page.getByText('验证码不正确，请查看验证器应用中的最新验证码。')).toBeVisible();
	await expect(page).toHaveURL(/\/login\/2fa/);
	// The right one: in, on the page asked for.
	await page.getByLabel('验证码', { exact: true }).fill(adminTotp());
	await page.getByRole('button', { name: '验证' }).first().click();
	await expect(page).toHaveURL(/\/admin\/users$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('用户');
});

test('a nurse turns on a second factor, signs in with it, and with a recovery code once', async ({
	browser
}) => {
	const username = `nurse2fa${Date.now().toString(36)}`;
	const nurse = await newStaff(browser, username, 'site_staff');
	await nurse.goto('/account/security');
	await expect(nurse.getByRole('heading', { level: 1 })).toHaveText('账号安全');
	// Optional for site staff: offered, with a QR code and the key to type.
	await expect(nurse.getByRole('img', { name: '双重验证绑定二维码' })).toBeVisible();
	const secret = (await nurse.getByTestId('totp-secret').textContent())!.trim();
	// A mistyped code is refused at the field.
	await nurse.getByLabel('验证码', { exact: true }).fill(codeFor(secret, 10));
	await nurse.getByRole('button', { name: '开启双重验证' }).click();
	await expect(nurse.getByText('验证码不正确。')).toBeVisible();
	await nurse.getByLabel('验证码', { exact: true }).fill(codeFor(secret));
	await nurse.getByRole('button', { name: '开启双重验证' }).click();
	const codes = nurse.getByTestId('recovery-codes').getByRole('listitem');
	await expect(codes).toHaveCount(10);
	const recovery = (await codes.first().textContent())!.trim();
	await expect(nurse.getByText('已开启', { exact: true })).toBeVisible();
	await expect(nurse.getByText('剩余可用恢复码：10 个')).toBeVisible();

	// The next sign-in asks for the code after the password.
	await nurse.getByRole('button', { name: '退出登录' }).click();
	await passwordStep(nurse, username, 'lanterns over the river');
	await expect(nurse).toHaveURL(/\/login\/2fa/);
	await nurse.getByLabel('验证码', { exact: true }).fill(codeFor(secret));
	await nurse.getByRole('button', { name: '验证' }).first().click();
	await expect(nurse).toHaveURL(/\/staff$/);

	// Phone left at home: a recovery code signs her in, once.
	await nurse.getByRole('button', { name: '退出登录' }).click();
	await passwordStep(nurse, username, 'lanterns over the river');
	await nurse.getByText('手机不在身边？使用恢复码').click();
	await nurse.getByLabel('恢复码').fill(recovery.toUpperCase());
	await nurse.getByRole('button', { name: '验证' }).last().click();
	await expect(nurse).toHaveURL(/\/staff$/);
	await nurse.goto('/account/security');
	await expect(nurse.getByText('剩余可用恢复码：9 个')).toBeVisible();
	await nurse.getByRole('button', { name: '退出登录' }).click();
	await passwordStep(nurse, username, 'lanterns over the river');
	await nurse.getByText('手机不在身边？使用恢复码').click();
	await nurse.getByLabel('恢复码').fill(recovery);
	await nurse.getByRole('button', { name: '验证' }).last().click();
	await expect(nurse.getByText('验证码不正确，请查看验证器应用中的最新验证码。')).toBeVisible();
	await expect(nurse).toHaveURL(/\/login\/2fa/);
	await nurse.context().close();
});

test('an admin requires a second factor of all staff: a clinician without one sets it up at the next sign-in', async ({
	browser
}) => {
	const username = `doc2fa${Date.now().toString(36)}`;
	const doctor = await newStaff(browser, username, 'clinician');
	await doctor.getByRole('button', { name: '退出登录' }).click();

	const adminCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const admin = await adminCtx.newPage();
	await loginAs(admin, 'admin');
	await admin.goto('/admin/security');
	const box = admin.getByRole('checkbox', { name: '要求所有医护人员和社区医生使用双重验证' });
	try {
		await box.check();
		await admin.getByRole('button', { name: '保存' }).click();
		await expect(admin.getByText('安全设置已保存。')).toBeVisible();

		await passwordStep(doctor, username, 'lanterns over the river');
		await expect(doctor).toHaveURL(/\/account\/security$/);
		await expect(doctor.getByText('您的账号须开启双重验证后才能继续使用。')).toBeVisible();
		// Nowhere else until it is set up.
		await doctor.goto('/clinician');
		await expect(doctor).toHaveURL(/\/account\/security$/);
		const secret = (await doctor.getByTestId('totp-secret').textContent())!.trim();
		await doctor.getByLabel('验证码', { exact: true }).fill(codeFor(secret));
		await doctor.getByRole('button', { name: '开启双重验证' }).click();
		await expect(doctor.getByTestId('recovery-codes')).toBeVisible();
		// Required now: it cannot be turned off by its owner.
		await expect(doctor.getByText('您的账号必须使用双重验证。更换手机时请联系管理员重置。')).toBeVisible();
		await doctor.goto('/clinician');
		await expect(doctor.getByRole('heading', { level: 1 })).toHaveText('我的社区');
	} finally {
		// Back to optional, so the other tests' staff sign in as before.
		await admin.goto('/admin/security');
		await box.uncheck();
		await admin.getByRole('button', { name: '保存' }).click();
		await expect(admin.getByText('安全设置已保存。')).toBeVisible();
		await adminCtx.close();
		await doctor.context().close();
	}
});
