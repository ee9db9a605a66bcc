import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

test('an admin creates a device token, sees it once, the device uses it, and revoking it shuts the device out', async ({
	page,
	request
}) => {
	const name = `E2E 体温计 ${Date.now().toString(36)}`;
	await loginAs(page, 'admin');
	await page.getByRole('navigation').getByRole('link', { name: '设备', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('设备与外呼机器人');
	// The demo device is already there, scoped to the demo's centralised sites.
	await expect(page.getByRole('rowheader', { name: /演示体温计/ })).toBeVisible();

	await page.getByRole('link', { name: '新建令牌' }).click();
	// Nothing chosen: the form says what is missing.
	await page.getByLabel('设备名称').fill(name);
	await page.getByRole('button', { name: '创建令牌' }).click();
	await expect(page.getByText('请至少选择一个隔离点或社区。')).toBeVisible();
	await page.getByRole('checkbox', { name: /JZ-C01/ }).check();
	await page.getByRole('button', { name: '创建令牌' }).click();

	await expect(page.getByText(`已为“${name}”创建令牌。`)).toBeVisible();
	await expect(page.getByText(/令牌只显示这一次/)).toBeVisible();
	const field = page.getByRole('textbox', { name: '令牌', exact: true });
	const token = await field.inputValue();
	expect(token).toMatch(/^icd_[a-z2-7]{32}$/);

	// The device, with nothing but the token: it sees JZ-C01's stays and can record a reading.
	const auth = { authorization: `Bearer ${token}` };
	const stays = await request.get('/api/v1/stays', { headers: auth });
	expect(stays.status()).toBe(200);
	const list = (await stays.json()) as { stayId: string; site: string }[];
	expect(list.length).toBeGreaterThan(0);
	expect(new Set(list.map((s) => s.site))).toEqual(new Set(['JZ-C01']));
	expect(await stays.text()).not.toContain(fixture().centralResident.name);
	const posted = await request.post('/api/v1/readings', {
		headers: auth,
		data: {
			stayId: list[0]!.stayId,
			takenAt: new Date().toISOString().replace('Z', '+00:00'),
			source: 'device',
			temperature: 36.6,
			idempotencyKey: `e2e-${Date.now()}`
		}
	});
	expect(posted.status()).toBe(201);
	expect(await posted.json()).toMatchObject({ reading: { temperature: 36.6 }, alerts: [] });
	// A stay of another site is out of this token's scope.
	const other = await request.post('/api/v1/readings', {
		headers: auth,
		data: {
			stayId: fixture().homeStayId,
			takenAt: new Date().toISOString().replace('Z', '+00:00'),
			source: 'device',
			temperature: 36.6,
			idempotencyKey: `e2e-other-${Date.now()}`
		}
	});
	expect(other.status()).toBe(404);

	// Shown once: opening the page again shows an empty form, no token.
	await page.reload();
	await expect(page.getByText(/令牌只显示这一次/)).toHaveCount(0);
	await expect(page.locator(`input[value="${token}"]`)).toHaveCount(0);

	// The reading is in the audit log under the device's name.
	await page.goto('/admin/audit?entity=reading');
	await expect(page.getByRole('cell', { name: `设备：${name}` })).toBeVisible();

	// The list shows its scope and that it has been used; the token itself appears only as its first characters.
	await page.goto('/admin/devices');
	const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
	await expect(row).toContainText('JZ-C01');
	await expect(row).toContainText(token.slice(0, 8));
	await expect(row).not.toContainText(token);
	await expect(row).not.toContainText('从未使用');

	// Revoking asks first, then takes effect at once.
	await row.getByRole('button', { name: `吊销 ${name}` }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toContainText('无法恢复');
	await dialog.getByRole('button', { name: '吊销', exact: true }).click();
	await expect(page.getByText(`已吊销“${name}”。`)).toBeVisible();
	await expect(row).toContainText('已吊销');
	await expect(row.getByRole('button', { name: `吊销 ${name}` })).toHaveCount(0);

	const after = await request.get('/api/v1/stays', { headers: auth });
	expect(after.status()).toBe(401);
	expect(await after.json()).toMatchObject({ reason: 'revoked_token' });
});

test('the demo device token from the start-up banner works against the API', async ({ request }) => {
	const res = await request.get('/api/v1/stays', {
		headers: { authorization: `Bearer ${fixture().deviceToken}` }
	});
	expect(res.status()).toBe(200);
	const sites = new Set(((await res.json()) as { site: string }[]).map((s) => s.site));
	expect(sites).toEqual(new Set(['JZ-C01', 'JZ-C02']));
});
