import { expect, request as playwrightRequest, test } from '@playwright/test';
import { E2E, fixture } from '../env';
import { apiLogin, loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
test.describe.configure({ timeout: 90_000 });

test('a resident sees who viewed their record: organisation, role, when and why, not the staff member’s name', async ({
	browser
}) => {
	const fx = fixture();
	// The nurse opens the resident's record and shows the full phone number to call them.
	const staffCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const staff = await staffCtx.newPage();
	await loginAs(staff, 'site_staff');
	await staff.goto(`/residents/${fx.resident.id}`);
	await expect(staff.getByRole('heading', { level: 1 })).toHaveText(fx.resident.name);
	await staff.getByLabel('查看用途').selectOption({ label: '联系本人（随访、通知）' });
	await staff.getByRole('button', { name: '显示完整号码: 手机号' }).click();
	await expect(staff.getByText(fx.resident.phone)).toBeVisible();
	await staffCtx.close();

	const phoneCtx = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 360, height: 740 },
		isMobile: true
	});
	const me = await phoneCtx.newPage();
	await loginAs(me, 'resident');
	await me.getByRole('link', { name: '查看记录' }).click();
	await expect(me.getByRole('heading', { level: 1 })).toHaveText('谁查看了我的信息');
	const views = me.getByTestId('record-views').getByRole('listitem');
	const reveal = views.filter({ hasText: '查看了您的完整手机号（用途：联系本人（随访、通知））' });
	await expect(reveal).toHaveCount(1);
	await expect(reveal).toContainText('焦作市丽景酒店集中隔离点 · 隔离点医护');
	await expect(reveal.locator('time')).toHaveText(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
	await expect(views.filter({ hasText: '查看了您的档案' }).first()).toContainText('隔离点医护');
	// The person's name stays in the audit log, for headquarters.
	await expect(me.getByText('王护士')).toHaveCount(0);
	await phoneCtx.close();
});

test('a reveal without a purpose from the list is refused and shows nothing', async () => {
	const fx = fixture();
	const ctx = await playwrightRequest.newContext({ baseURL: E2E.origin });
	try {
		await apiLogin(ctx, 'site_staff');
		const url = `/api/v1/residents/${fx.centralResident.id}/reveal`;
		for (const data of [{ field: 'idNumber' }, { field: 'idNumber', purpose: 'curiosity' }]) {
			const res = await ctx.post(url, { data, headers: { origin: E2E.origin } });
			expect(res.status()).toBe(422);
			const body = await res.json();
			expect(body.errors.purpose[0]).toMatch(/contact_resident/);
			expect(JSON.stringify(body)).not.toContain(fx.centralResident.idNumber);
		}
		const form = await ctx.post(`/residents/${fx.centralResident.id}?/reveal`, {
			form: { field: 'idNumber' },
			headers: { origin: E2E.origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(form.status()).toBe(400);
		expect(await form.text()).not.toContain(fx.centralResident.idNumber);
	} finally {
		await ctx.dispose();
	}
});

test('exports: staff cannot get full numbers even by posting the form themselves', async () => {
	const fx = fixture();
	const ctx = await playwrightRequest.newContext({ baseURL: E2E.origin });
	try {
		await apiLogin(ctx, 'site_staff');
		const today = new Date().toISOString().slice(0, 10);
		const res = await ctx.post('/dashboard/exports/download', {
			form: {
				siteId: fx.siteC01Id,
				kind: 'residents',
				from: today,
				to: today,
				reveal: 'true',
				reason: '核对'
			},
			headers: { origin: E2E.origin, accept: 'text/html' },
			maxRedirects: 0
		});
		// Back to the form with the reason, no file.
		expect(res.status()).toBe(303);
		expect(res.headers()['location']).toMatch(/error=reveal_not_allowed/);
		expect(res.headers()['content-type'] ?? '').not.toMatch(/csv/);
		// An admin without a reason is sent back too.
		const admin = await playwrightRequest.newContext({ baseURL: E2E.origin });
		await apiLogin(admin, 'admin');
		const noReason = await admin.post('/dashboard/exports/download', {
			form: { siteId: fx.siteC01Id, kind: 'residents', from: today, to: today, reveal: 'true', reason: '' },
			headers: { origin: E2E.origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(noReason.status()).toBe(303);
		expect(noReason.headers()['location']).toMatch(/\/dashboard\/exports\?/);
		await admin.dispose();
	} finally {
		await ctx.dispose();
	}
});
