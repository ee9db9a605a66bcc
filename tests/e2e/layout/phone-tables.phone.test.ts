import { expect, test, type Page } from '@playwright/test';
import { fixture } from '../env';
import { loginAs, seriousViolations } from '../helpers';

/**
 * Every page with a data table, on a 360 px phone as the person who uses it: nothing scrolls sideways,
 * neither the page nor a table's frame; each row is a card whose cells carry their column's label, and
 * the table is still a table for screen readers.
 */

test.use({ locale: 'zh-CN' });
test.describe.configure({ timeout: 120_000 });

type Check = {
	/** What the step is called in the report. */
	name: string;
	path: () => string;
	/** Column labels that visible card cells must show. */
	labels?: string[];
	/**
	 * Pages without a card table (their own card lists, or the report's two-column sheets of figures)
	 * are only checked for sideways scrolling.
	 */
	plain?: boolean;
	/** A list that earlier tests may have emptied (everyone due released): its cards are checked if any. */
	mayBeEmpty?: boolean;
	/** An axe scan too (the pages that people use on their rounds). */
	axe?: boolean;
};

async function fitsThePhone(page: Page, check: Check) {
	await page.goto(check.path());
	await page.waitForLoadState('load');
	const hasTable = !check.plain && (!check.mayBeEmpty || (await page.locator('table').count()) > 0);
	// Once the page is live, each table states its role (and its cells their labels).
	if (hasTable)
		await expect
			.soft(page.locator('table[role="table"]').first(), `${check.name}: tables live`)
			.toBeAttached();

	const width = page.viewportSize()!.width;
	const measured = await page.evaluate(() => ({
		innerWidth: window.innerWidth,
		scrollWidth: document.documentElement.scrollWidth,
		// Any frame around a table that scrolls sideways, named by its caption.
		scrolling: [...document.querySelectorAll('table')]
			.map((t) => t.parentElement!)
			.filter((frame) => frame.scrollWidth > frame.clientWidth + 1)
			.map(
				(frame) =>
					`${frame.querySelector('caption')?.textContent?.trim()}: ${frame.scrollWidth} > ${frame.clientWidth}`
			)
	}));
	// A phone widens its layout viewport to fit content that overflows; the viewport must stay the screen's.
	expect.soft(measured.innerWidth, `${check.name}: layout viewport`).toBe(width);
	expect.soft(measured.scrollWidth, `${check.name}: page width`).toBeLessThanOrEqual(measured.innerWidth);
	expect.soft(measured.scrolling, `${check.name}: tables that scroll sideways`).toEqual([]);

	for (const label of hasTable ? (check.labels ?? []) : []) {
		const cell = page.locator(`td[data-label="${label}"], th[data-label="${label}"]`).first();
		await expect.soft(cell, `${check.name}: a cell labelled ${label}`).toBeVisible();
		if (await cell.count()) {
			const shown = await cell.evaluate((c) => getComputedStyle(c, '::before').content);
			expect.soft(shown, `${check.name}: the label ${label} shown on the card`).toContain(label);
		}
		// Still a table with its column headers for screen readers.
		await expect
			.soft(page.getByRole('columnheader', { name: label }).first(), `${check.name}: column header ${label}`)
			.toBeAttached();
	}
	if (check.axe) expect.soft(await seriousViolations(page), `${check.name}: axe`).toEqual([]);
}

test('site staff: the residents list, a record, the delivery worklist, release and tests fit the phone', async ({
	page
}) => {
	const fx = fixture();
	const site = fx.siteC01Id;
	await loginAs(page, 'site_staff');
	const checks: Check[] = [
		{ name: 'residents list', path: () => '/residents', labels: ['证件号码'], axe: true },
		{
			name: 'resident record',
			path: () => `/residents/${fx.centralResident.id}`,
			// The readings, the tests and the stays.
			labels: ['体温（°C）', '日期', '入住时间'],
			axe: true
		},
		{ name: 'delivery worklist', path: () => `/sites/${site}/deliveries`, labels: ['内容'], axe: true },
		{ name: 'release list', path: () => `/sites/${site}/release`, labels: ['应解除'], mayBeEmpty: true },
		{ name: 'tests due', path: () => `/sites/${site}/tests`, labels: ['检测日'] },
		{ name: 'alert inbox', path: () => '/alerts', plain: true },
		{ name: 'ward round', path: () => `/sites/${site}/round`, plain: true }
	];
	for (const check of checks) await test.step(check.name, () => fitsThePhone(page, check));

	// The actions on a worklist card stay within a thumb's reach: 44 px tall at least.
	await page.goto(`/sites/${site}/deliveries`);
	const action = page.getByTestId('delivery-row').getByRole('button').first();
	await expect(action).toBeVisible();
	expect((await action.boundingBox())!.height).toBeGreaterThanOrEqual(44);
	// The card's title is the room and the resident's name, not a labelled field.
	const title = page.getByTestId('delivery-row').first().locator('td').first();
	expect(await title.evaluate((c) => getComputedStyle(c, '::before').display)).toBe('none');
});

test('clinicians: a home isolator’s record, the call list and the handover list fit the phone', async ({
	page
}) => {
	const fx = fixture();
	await loginAs(page, 'clinician');
	const checks: Check[] = [
		{
			name: 'home isolator’s record',
			path: () => `/residents/${fx.homeResident.id}`,
			labels: ['状态'],
			axe: true
		},
		{ name: 'handover list', path: () => '/clinician/calls/handover', labels: ['隔离天数'], axe: true },
		{ name: 'call list', path: () => '/clinician/calls', plain: true }
	];
	for (const check of checks) await test.step(check.name, () => fitsThePhone(page, check));
});

test('headquarters: the dashboard, the report and the admin lists fit the phone', async ({ page }) => {
	await loginAs(page, 'admin');
	const checks: Check[] = [
		{ name: 'dashboard', path: () => '/dashboard', labels: ['观察合计'], axe: true },
		{ name: 'daily report', path: () => '/dashboard/report', plain: true },
		{ name: 'users', path: () => '/admin/users', labels: ['角色'] },
		{ name: 'sites', path: () => '/admin/sites', labels: ['类型'] },
		{ name: 'a site’s rooms', path: () => '/admin/sites/JZ-C01', labels: ['状态'] },
		{ name: 'plans', path: () => '/admin/plans', labels: ['状态'] },
		{ name: 'device tokens', path: () => '/admin/devices', labels: ['状态'] },
		{ name: 'audit log', path: () => '/admin/audit', labels: ['操作人'], axe: true }
	];
	for (const check of checks) await test.step(check.name, () => fitsThePhone(page, check));
});
