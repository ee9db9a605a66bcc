import { expect, test, type Page } from '@playwright/test';
import { fixture } from '../env';
import { loginAs, seriousViolations } from '../helpers';

test.describe.configure({ timeout: 120_000 });

test('a resident asks for a necessity on a phone; staff approve, pack and deliver the floor at once; the resident confirms receipt', async ({
	browser
}) => {
	const fx = fixture();
	const staffCtx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const phoneCtx = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true
	});
	try {
		// On her phone: the deliveries page, two ticks and a line of her own.
		const phone = await phoneCtx.newPage();
		await loginAs(phone, 'resident');
		await phone.getByRole('link', { name: '配送' }).click();
		await expect(phone.getByRole('heading', { name: '我的配送', level: 1 })).toBeVisible();
		expect(await seriousViolations(phone)).toEqual([]);
		// A medicine request naming no medicine: the reason is read out with the field, after its hint.
		const medicines = phone.getByLabel('药名、规格和用法');
		await medicines.fill('');
		await phone.getByRole('button', { name: '申请常用药' }).click();
		await expect(medicines).toHaveAttribute('aria-invalid', 'true');
		await expect(medicines).toHaveAccessibleDescription(/^已按入住时登记的常用药填好.*请写下药名。$/);
		await phone.getByRole('checkbox', { name: '饮用水' }).check();
		await phone.getByRole('checkbox', { name: '垃圾袋' }).check();
		await phone.getByLabel('其他需要').fill('充电线一根');
		await phone.getByRole('button', { name: '提交申请' }).click();
		await expect(phone.getByRole('status').filter({ hasText: '申请已提交' })).toHaveText(
			'申请已提交，医护人员会尽快处理。'
		);
		const mine = phone.getByTestId('my-delivery').filter({ hasText: '充电线一根' });
		await expect(mine).toHaveAttribute('data-status', 'requested');
		await expect(mine).toContainText('饮用水；垃圾袋');
		// The page fits the phone: nothing wider than the screen.
		expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

		// Staff find it on the site's worklist, under her floor.
		const staff = await staffCtx.newPage();
		await loginAs(staff, 'site_staff');
		await staff.getByRole('link', { name: '配送', exact: true }).click();
		await staff
			.getByRole('region', { name: /焦作市丽景酒店集中隔离点/ })
			.getByRole('link', { name: /打开工作单/ })
			.click();
		await expect(staff.getByRole('heading', { name: /配送工作单/, level: 1 })).toBeVisible();
		const floor = staff.getByTestId('delivery-group').filter({ hasText: fx.resident.name });
		const floorTitle = (await floor.getByRole('heading', { level: 2 }).textContent())!
			.replace(/\s*\d+ 件$/, '')
			.trim();
		expect(floorTitle).toMatch(/^A 栋 \d+ 层$/);
		const row = floor.getByTestId('delivery-row').filter({ hasText: '充电线一根' });
		const room = (await row.locator('td').first().textContent())!.trim();
		await row.getByRole('button', { name: /审核通过/ }).click();
		await expect(row).toHaveAttribute('data-status', 'approved');

		// The packing list puts her under her floor, with her room and no full name.
		const worklistUrl = staff.url();
		await staff.getByRole('link', { name: '打印打包单' }).click();
		const packing = staff.getByTestId('print-group').filter({ hasText: '充电线一根' });
		await expect(packing.getByRole('heading', { level: 2 })).toHaveText(floorTitle);
		const printed = packing.getByTestId('print-row').filter({ hasText: '充电线一根' });
		await expect(printed.locator('td').first()).toHaveText(room);
		await expect(printed).toContainText(`${[...fx.resident.name][0]}*`);
		await expect(printed).not.toContainText(fx.resident.name);
		const floors = await staff
			.getByTestId('print-group')
			.getByRole('heading', { level: 2 })
			.allTextContents();
		expect(floors).toEqual(
			[...floors].sort((a, b) => Number(a.match(/(\d+) 层/)![1]) - Number(b.match(/(\d+) 层/)![1]))
		);

		await staff.goto(worklistUrl);
		await row.getByRole('button', { name: /已打包/ }).click();
		await expect(row).toHaveAttribute('data-status', 'packed');
		await floor.getByRole('button', { name: /整层出发配送/ }).click();
		await expect(row).toHaveAttribute('data-status', 'out_for_delivery');
		// Her phone follows without a reload.
		await expect(mine).toHaveAttribute('data-status', 'out_for_delivery');

		// The delivery list shows her on the way, under the same floor.
		await staff.getByRole('link', { name: '打印配送单' }).click();
		const onTheWay = staff.getByTestId('print-group').filter({ hasText: '充电线一根' });
		await expect(onTheWay.getByRole('heading', { level: 2 })).toHaveText(floorTitle);
		await staff.goto(worklistUrl);

		// The whole floor at once.
		const out = await floor.locator('[data-testid="delivery-row"][data-status="out_for_delivery"]').count();
		await floor.getByRole('button', { name: `整层标记已送达（${out}）` }).click();
		await expect(staff.getByRole('status').filter({ hasText: '已标记' })).toContainText(
			`已标记“已送达”：${out} 件。`
		);
		await expect(row).toHaveAttribute('data-status', 'delivered');
		await expect(floor.locator('[data-testid="delivery-row"][data-status="out_for_delivery"]')).toHaveCount(
			0
		);

		// She confirms receipt.
		await expect(mine).toHaveAttribute('data-status', 'delivered');
		await mine.getByRole('button', { name: '确认收到' }).click();
		await expect(phone.getByRole('status').filter({ hasText: '已确认收到' })).toHaveText(
			'已确认收到，谢谢。'
		);
		await expect(mine).toHaveAttribute('data-status', 'received');
		await expect(mine.getByRole('list', { name: '进度' }).getByRole('listitem')).toHaveText([
			/已申请/,
			/已审核/,
			/已打包/,
			/配送中/,
			/已送达/,
			/已签收/
		]);
		expect(await seriousViolations(phone)).toEqual([]);
		// Gone from the staff list once received.
		await staff.reload();
		await expect(staff.getByTestId('delivery-row').filter({ hasText: '充电线一根' })).toHaveCount(0);
	} finally {
		await staffCtx.close();
		await phoneCtx.close();
	}
});

test('a colleague’s stale list is told who moved the delivery on, and nothing is done twice', async ({
	browser
}) => {
	const a = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const b = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	try {
		const fx = fixture();
		const first = await a.newPage();
		const second = await b.newPage();
		await loginAs(first, 'site_staff');
		await loginAs(second, 'admin');
		// The admin's tab has lost its live connection (a flaky network), so their list goes stale.
		await second.route(/\/events(\?|$)/, (route) => route.abort());
		const url = `/sites/${fx.siteC01Id}/deliveries`;
		await first.goto(url);
		await second.goto(url);
		// A supply waiting for approval (the demo has one), seen by both.
		const pick = (p: Page) =>
			p
				.locator('[data-testid="delivery-row"][data-status="requested"]')
				.filter({ hasText: '饮用水' })
				.first();
		const name = (await pick(first).getByRole('link').first().textContent())!.trim();
		const rowA = first.getByTestId('delivery-row').filter({ hasText: name }).filter({ hasText: '饮用水' });
		const rowB = second.getByTestId('delivery-row').filter({ hasText: name }).filter({ hasText: '饮用水' });
		await rowA.getByRole('button', { name: /审核通过/ }).click();
		await expect(rowA).toHaveAttribute('data-status', 'approved');
		// Their click on the stale row is refused and explained; the row then shows where it stands.
		await expect(rowB).toHaveAttribute('data-status', 'requested');
		await rowB.getByRole('button', { name: /审核通过/ }).click();
		await expect(second.getByRole('alert')).toContainText('刚被王护士改动过（现在是“已审核”）');
		await expect(rowB).toHaveAttribute('data-status', 'approved');
	} finally {
		await a.close();
		await b.close();
	}
});
