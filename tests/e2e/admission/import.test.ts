import { expect, test } from '@playwright/test';
import iconv from 'iconv-lite';
import { idCheckChar } from '../../../src/lib/domain/id-number';
import { CSV_TEMPLATE_HEADER } from '../../../src/lib/server/admission/csv';
import { loginAs } from '../helpers';

test.use({ locale: 'zh-CN' });

function row(name: string, idNumber: string, phone: string) {
	const values: Record<string, string> = {
		姓名: name,
		证件号码: idNumber,
		手机号: phone,
		住址: '焦作市山阳区迎宾路 9 号',
		所属社区: 'JZ-S01',
		人员类别: '密接',
		隔离方案: 'ed9-7+3',
		隔离点: 'JZ-C01'
	};
	return CSV_TEMPLATE_HEADER.split(',')
		.map((c) => values[c] ?? '')
		.join(',');
}

test('site staff preview a contact list with a bad row, then admit the good rows', async ({ page }) => {
	const ids = ['41081119920202031', '41081119920202052'].map((f) => f + idCheckChar(f));
	const badFirst17 = '41081119920202073';
	const bad = badFirst17 + (idCheckChar(badFirst17) === '1' ? '2' : '1');
	const csv = [
		CSV_TEMPLATE_HEADER,
		row('吴一', ids[0]!, '13600001111'),
		row('吴二', bad, '13600002222'),
		row('吴三', ids[1]!, '13600003333')
	].join('\r\n');

	await loginAs(page, 'site_staff');
	await page.goto('/admit/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('批量登记（CSV）');
	// Saved from Excel on a Chinese Windows machine: GBK.
	await page.getByLabel('名单文件').setInputFiles({
		name: '流调名单.csv',
		mimeType: 'text/csv',
		buffer: iconv.encode(csv, 'gbk')
	});
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByText('文件编码：GBK')).toBeVisible();
	await expect(page.getByText('共 3 行：2 行可登记，1 行有问题（不会登记）。')).toBeVisible();
	await expect(
		page.getByRole('row', { name: /吴二/ }).getByText('身份证校验位不正确，请核对号码。')
	).toBeVisible();
	await expect(page.getByRole('row', { name: /吴一/ }).getByText('焦作市丽景酒店集中隔离点')).toBeVisible();

	await page.getByRole('button', { name: '登记 2 人' }).click();
	await expect(page.getByText('已登记 2 人。')).toBeVisible();
	await expect(page.getByRole('row', { name: /吴一/ }).getByText(/^\d{4} \d{4}$/)).toBeVisible();
	await expect(page.getByRole('row', { name: /吴三/ })).toBeVisible();
	await expect(page.getByRole('row', { name: /吴二/ })).toHaveCount(0);

	// They are on the list now; the bad row was not admitted.
	await page.goto(`/residents?q=${ids[0]!.slice(-4)}`);
	await expect(page.getByRole('row', { name: /吴一/ })).toBeVisible();
	await page.goto('/residents?q=吴二');
	await expect(page.getByText('没有找到符合条件的人员。')).toBeVisible();
});
