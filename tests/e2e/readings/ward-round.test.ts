import { expect, test, type Page } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

const rows = (page: Page) => page.locator('[data-row]');
const temperature = (page: Page, i: number) => rows(page).nth(i).getByLabel('体温', { exact: true });
const spo2 = (page: Page, i: number) => rows(page).nth(i).getByLabel('血氧', { exact: true });

test('staff run a ward round by keyboard only: marked as typed, saved in one go, bad rows kept to fix', async ({
	page
}) => {
	// Many small steps, each a real keystroke: more than the default budget on a busy machine.
	test.setTimeout(120_000);
	const fx = fixture();
	await loginAs(page, 'site_staff');
	const round = page.locator(`a[href="/sites/${fx.siteC01Id}/round"]`);
	await expect(round).toBeVisible();
	await round.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: /^巡房录入/ })).toBeVisible();
	expect(await rows(page).count()).toBeGreaterThanOrEqual(4);

	// From the "show" button, Tab leads straight into the first row's temperature.
	await page.getByRole('button', { name: '显示' }).focus();
	await page.keyboard.press('Tab');
	await expect(temperature(page, 0)).toBeFocused();

	// Row 1: a fever, marked as soon as it is typed; Enter moves to SpO2, Space ticks a symptom.
	await page.keyboard.type('38.6');
	await expect(rows(page).nth(0).getByText('发热', { exact: true }).first()).toBeVisible();
	await page.keyboard.press('Enter');
	await expect(spo2(page, 0)).toBeFocused();
	await page.keyboard.type('97');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	const cough = rows(page).nth(0).getByRole('checkbox', { name: '干咳' });
	await expect(cough).toBeFocused();
	await page.keyboard.press('Space');
	await expect(cough).toBeChecked();
	// Enter in the row's last field goes on to the next row's temperature, and never submits.
	await page.keyboard.press('Enter');
	await expect(temperature(page, 1)).toBeFocused();

	// Row 2: normal values.
	await page.keyboard.type('36.5');
	await page.keyboard.press('Enter');
	await page.keyboard.type('98');
	await page.keyboard.press('Enter');
	await expect(temperature(page, 2)).toBeFocused();

	// Row 3: a typo outside the accepted range, flagged before saving.
	await page.keyboard.type('46');
	await expect(rows(page).nth(2).getByText('超出 30.0–45.0')).toBeVisible();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Enter');
	await expect(temperature(page, 3)).toBeFocused();

	// Row 4: nobody answers the door. Tab past SpO2 and the nine symptoms to the door toggle.
	for (let i = 0; i < 11; i++) await page.keyboard.press('Tab');
	const door = rows(page).nth(3).getByRole('checkbox', { name: '未应门' });
	await expect(door).toBeFocused();
	await page.keyboard.press('Space');
	await expect(door).toBeChecked();
	await expect(page.getByRole('status').filter({ hasText: '已填' })).toHaveText(
		/^已填 4 行\s*·\s*1 行待核对$/
	);

	await page.keyboard.press('Control+Enter');
	const summary = page.getByRole('status').filter({ hasText: '已保存' });
	// One server round trip that stores the round; allow for a busy test machine.
	await expect(summary).toContainText(/已保存 3 行，触发预警 \d+ 条。/, { timeout: 20_000 });
	await expect(summary).toContainText('其中 1 人未应门');
	await expect(summary).toContainText('1 行需要修改');

	// Saved rows show done with their values; their inputs are free for the next slot.
	await expect(rows(page).nth(0).getByText('已测 38.6 / 97')).toBeVisible();
	await expect(rows(page).nth(1).getByText('已测 36.5 / 98')).toBeVisible();
	await expect(rows(page).nth(3).getByText('已记未应门')).toBeVisible();
	await expect(temperature(page, 0)).toHaveValue('');
	// The bad row keeps what was typed and says what is wrong.
	await expect(temperature(page, 2)).toHaveValue('46');
	await expect(rows(page).nth(2).getByRole('alert')).toHaveText(/体温：体温应在 30.0–45.0 °C 之间。/);

	// Fixed and saved again: the round key is fresh, the fixed row is recorded, nothing twice.
	const room3 = (await rows(page).nth(2).locator('.room').textContent())!.trim();
	await page.getByRole('button', { name: room3, exact: true }).press('Enter');
	await expect(temperature(page, 2)).toBeFocused();
	await page.keyboard.type('36.9');
	await page.keyboard.press('Control+Enter');
	await expect(page.getByRole('status').filter({ hasText: '已保存 1 行' })).toBeVisible({ timeout: 20_000 });
	await expect(rows(page).nth(2).getByText('已测 36.9 / —')).toBeVisible();
	await expect(rows(page).nth(2).getByRole('alert')).toHaveCount(0);
});

test('the round shows the chosen floor only, in walking order, and says which rows are done', async ({
	page
}) => {
	const fx = fixture();
	await loginAs(page, 'site_staff');
	await page.goto(`/sites/${fx.siteC01Id}/round`);
	await page.getByRole('checkbox', { name: 'A · 3 层' }).check();
	await page.getByRole('button', { name: '显示' }).click();
	await expect(page).toHaveURL(/floor=A%3A3/);
	const rooms = await page.locator('[data-row] .room').allTextContents();
	expect(rooms.length).toBeGreaterThan(0);
	expect(rooms.every((r) => r.trim().startsWith('3'))).toBe(true);
	expect([...rooms].sort()).toEqual(rooms);
	await expect(page.getByText(/\d+ 人 · 本时段已测 \d+ 人/)).toBeVisible();
});
