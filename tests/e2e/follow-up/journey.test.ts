/**
 * The clinician's round of calls, by keyboard, on the test clock (TEST_CLOCK_FILE, see
 * src/lib/server/clock.ts): three calls, a no-answer that waits out the retry delay and comes back,
 * and the counts, the clinician's own day and the handover list following along.
 */
import { expect, test, type Page } from '@playwright/test';
import { DateTime } from 'luxon';
import { setServerClock } from '../env';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

const MINUTE = 60_000;

/**
 * An offset that keeps the whole journey (and its 31-minute step) inside one call slot: the slots turn
 * at 04:00 and 16:00 in Shanghai, so a run that starts just before a turn starts just after it instead.
 */
function offsetInsideOneSlot(now = DateTime.now().setZone('Asia/Shanghai')): number {
	for (const hour of [4, 16, 28]) {
		const turn = now.startOf('day').plus({ hours: hour });
		const left = turn.diff(now).toMillis();
		if (left > 0 && left < 45 * MINUTE) return left + 5 * MINUTE;
	}
	return 0;
}

async function counts(page: Page) {
	const n = async (id: string) => Number((await page.getByTestId(id).textContent())!.replace(/\D+/g, ''));
	return { due: await n('count-due'), done: await n('count-done'), unreached: await n('count-unreached') };
}

test.afterEach(() => setServerClock(0));

test('a clinician works three calls by keyboard; the no-answer comes back after the retry delay', async ({
	page
}) => {
	const base = offsetInsideOneSlot();
	setServerClock(base);
	await loginAs(page, 'clinician');
	await page.goto('/clinician/calls');
	const before = await counts(page);
	const tally = async (id: string) => Number((await page.getByTestId(id).textContent())!.replace(/\D+/g, ''));
	const made = await tally('my-made');
	const reached = await tally('my-reached');
	const list = page.getByRole('list', { name: '电话随访' });
	expect(await list.getByTestId('call-row').count()).toBeGreaterThanOrEqual(3);
	// Who had already failed this slot: reaching them takes them out of the unreached count.
	const failedBefore = new Set<string>();
	for (const row of await list.getByTestId('call-row').all())
		if ((await row.textContent())!.includes('本时段未接通'))
			failedBefore.add((await row.getByRole('link').textContent())!.trim());

	// Open the first call from the list by keyboard.
	await list.getByTestId('call-row').first().getByRole('link').focus();
	await page.keyboard.press('Enter');
	const heading = page.getByRole('heading', { level: 1 });
	await expect(page).toHaveURL(/\/clinician\/calls\/[0-9a-f-]{36}$/);

	// 1. Reached, with a fever.
	const feverName = (await heading.textContent())!.trim();
	await page.getByLabel('体温（°C）').focus();
	await page.keyboard.type('37.8');
	await page.getByRole('radio', { name: '已接通' }).focus();
	await page.keyboard.press('Space');
	await expect(page.getByRole('radio', { name: '已接通' })).toBeChecked();
	await page.getByRole('button', { name: '保存并下一位' }).focus();
	await page.keyboard.press('Enter');
	await expect(heading).not.toHaveText(feverName);

	// 2. No answer.
	const missedName = (await heading.textContent())!.trim();
	await page.getByRole('radio', { name: '无人接听' }).focus();
	await page.keyboard.press('Space');
	await expect(page.getByRole('radio', { name: '无人接听' })).toBeChecked();
	await page.getByRole('button', { name: '保存并下一位' }).focus();
	await page.keyboard.press('Enter');
	await expect(heading).not.toHaveText(missedName);

	// 3. Reached, normal.
	const normalName = (await heading.textContent())!.trim();
	await page.getByLabel('体温（°C）').focus();
	await page.keyboard.type('36.6');
	await page.keyboard.press('Tab');
	await page.keyboard.type('98');
	await page.getByRole('radio', { name: '已接通' }).focus();
	await page.keyboard.press('Space');
	await expect(page.getByRole('radio', { name: '已接通' })).toBeChecked();
	await page.getByRole('button', { name: '保存并下一位' }).focus();
	await page.keyboard.press('Enter');
	await expect(heading).not.toHaveText(normalName);

	// The list: two done, one unreached waiting for its retry; the clinician's own day agrees.
	await page.goto('/clinician/calls');
	const after = {
		due: before.due - 2,
		done: before.done + 2,
		unreached:
			before.unreached +
			(failedBefore.has(missedName) ? 0 : 1) -
			[feverName, normalName].filter((n) => failedBefore.has(n)).length
	};
	expect(await counts(page)).toEqual(after);
	const waiting = page.getByRole('list', { name: '等待重拨' });
	await expect(waiting.getByTestId('call-row').filter({ hasText: missedName })).toContainText(
		/本时段未接通 \d+ 次\s*·\s*无人接听/
	);
	await expect(list.getByTestId('call-row').filter({ hasText: missedName })).toHaveCount(0);
	for (const name of [feverName, normalName])
		await expect(page.getByTestId('call-row').filter({ hasText: name })).toHaveCount(0);
	await expect(page.getByTestId('my-made')).toHaveText(`已拨打 ${made + 3}`);
	await expect(page.getByTestId('my-reached')).toHaveText(`已接通 ${reached + 2}`);
	await expect(page.getByTestId('my-rate')).toHaveText(
		`接通率 ${Math.round(((reached + 2) / (made + 3)) * 100)}%`
	);

	// The handover list names the one nobody reached.
	await page.getByRole('link', { name: '交班未接通名单' }).click();
	await expect(page.getByRole('heading', { name: '交班未接通名单', level: 1 })).toBeVisible();
	await expect(page.getByTestId('handover-row').filter({ hasText: missedName })).toContainText('无人接听');
	await expect(page.getByTestId('handover-row').filter({ hasText: normalName })).toHaveCount(0);

	// 29 minutes on: still waiting. 31 minutes on: back on the list to call, counts unchanged.
	setServerClock(base + 29 * MINUTE);
	await page.goto('/clinician/calls');
	await expect(list.getByTestId('call-row').filter({ hasText: missedName })).toHaveCount(0);
	setServerClock(base + 31 * MINUTE);
	await page.goto('/clinician/calls');
	await expect(list.getByTestId('call-row').filter({ hasText: missedName })).toContainText(
		/本时段未接通 \d+ 次\s*·\s*无人接听/
	);
	await expect(
		page.getByRole('list', { name: '等待重拨' }).getByTestId('call-row').filter({ hasText: missedName })
	).toHaveCount(0);
	expect(await counts(page)).toEqual(after);

	// The fever call raised its alert through the reading path.
	await page.goto('/alerts');
	await expect(
		page.getByTestId('alert').filter({ hasText: feverName }).and(page.locator('[data-kind="fever"]'))
	).toContainText('37.8');
});
