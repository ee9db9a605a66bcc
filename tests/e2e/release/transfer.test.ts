import { expect, test } from '@playwright/test';
import { fixture } from '../env';
import { loginAs } from '../helpers';

// The browser asks for English: the stay's pages speak it.
test.use({ locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
test.describe.configure({ timeout: 90_000 });

test('staff move a resident to a room at another site; the history says so and the old room awaits disinfection', async ({
	page
}) => {
	const fx = fixture();
	await loginAs(page, 'site_staff');
	await page.goto(`/residents/${fx.moveResident.id}`);
	await expect(page.getByRole('heading', { name: fx.moveResident.name, level: 1 })).toBeVisible();

	await page.getByRole('button', { name: 'Move room or site' }).click();
	const dialog = page.getByRole('dialog', { name: 'Move to another room or site' });
	await expect(dialog).toContainText('The room left behind awaits terminal disinfection');
	// Without a room or a reason nothing moves, and the form says what is missing.
	await dialog.getByRole('button', { name: 'Confirm move' }).click();
	await expect(dialog.getByText('Choose the room to move to.')).toBeVisible();
	await expect(dialog.getByText('Enter a reason.')).toBeVisible();

	const select = dialog.getByLabel('New room');
	const target = await select
		.locator('option', { hasText: 'Shanyang Convention Hotel Isolation Site' })
		.first()
		.getAttribute('value');
	expect(target).toBeTruthy();
	await select.selectOption(target!);
	await dialog.getByLabel('Reason for the move').fill('Family needs a connecting room');
	await dialog.getByRole('button', { name: 'Confirm move' }).click();
	await expect(page.getByText('Moved.')).toBeVisible();

	// The history names the move with both rooms and the reason.
	const entry = page.locator('ol.history li').filter({ hasText: 'Moved to another site' });
	await expect(entry).toContainText('JZ-C01');
	await expect(entry).toContainText('JZ-C02');
	await expect(entry).toContainText('Family needs a connecting room');
	await expect(
		page.getByRole('row').filter({ hasText: 'Shanyang Convention Hotel Isolation Site' })
	).toBeVisible();

	// The room left behind waits for terminal disinfection on the old site's board.
	await page.goto(`/sites/${fx.siteC01Id}/board`);
	const room = page.locator(`li.room[data-room-id="${fx.moveResident.roomId}"]`);
	await expect(room).toContainText('Awaiting disinfection');
	// And it is not offered at admission until it is cleaned.
	await page.goto('/admit');
	await expect(page.locator(`option[value="${fx.moveResident.roomId}"]`)).toHaveCount(0);
});
