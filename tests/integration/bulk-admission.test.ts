import { eq, like } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { idCheckChar } from '../../src/lib/domain/id-number';
import { commitImport, previewImport } from '../../src/lib/server/admission/bulk';
import { CSV_TEMPLATE_HEADER } from '../../src/lib/server/admission/csv';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeRoom, uniqueKey } from './helpers/factories';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

const id = (seq: number) => {
	const first17 = `41080219900101${String(seq).padStart(3, '0')}`;
	return first17 + idCheckChar(first17);
};

async function ground(beds: number) {
	const g = await makeGround(tdb.db, beds);
	const [user] = await tdb.db
		.insert(t.users)
		.values({ username: uniqueKey('u'), displayName: '护士', role: 'site_staff' })
		.returning();
	const staff: Principal = {
		userId: user!.id,
		role: 'site_staff',
		siteIds: [g.site.id],
		residentId: null,
		readOnly: false
	};
	return { ...g, staff };
}

/** A CSV in the documented columns (the header has more columns; unnamed ones stay empty). */
function csv(g: Awaited<ReturnType<typeof ground>>, rows: [string, string, string, string][]) {
	const cols = CSV_TEMPLATE_HEADER.split(',');
	const line = (name: string, idNumber: string, phone: string, plan: string) =>
		cols
			.map(
				(c) =>
					({
						姓名: name,
						证件号码: idNumber,
						手机号: phone,
						住址: '焦作市解放区测试路 1 号',
						所属社区: g.community.code,
						人员类别: '密接',
						隔离方案: plan,
						隔离点: g.site.code
					})[c] ?? ''
			)
			.join(',');
	return [cols.join(','), ...rows.map((r) => line(...r))].join('\r\n') + '\r\n';
}

describe('bulk admission from a CSV', () => {
	it('previews mixed good and bad rows (GBK as Excel saves it) and admits the good ones in one go', async () => {
		const g = await ground(2);
		await makeRoom(tdb.db, g.site.id, { capacity: 1 });
		const bad = id(2).slice(0, 17) + (id(2).endsWith('1') ? '2' : '1');
		const text = csv(g, [
			['孙一', id(1), '13912340001', g.plan.code],
			['孙二', bad, '13912340002', g.plan.code],
			['孙三', id(3), '1234', g.plan.code],
			['孙四', id(4), '13912340004', 'no-such-plan'],
			['孙五', id(5), '13912340005', g.plan.code],
			['孙五又', id(5), '13912340006', g.plan.code]
		]);
		const bytes = new Uint8Array(iconv.encode(text, 'gbk'));
		const preview = await previewImport(g.staff, bytes);
		expect(preview.encoding).toBe('gbk');
		expect(preview.fileErrors).toEqual([]);
		const codes = Object.fromEntries(preview.rows.map((r) => [r.name, r.errors.map((e) => e.code)]));
		expect(codes).toMatchObject({
			孙一: [],
			孙二: ['id_check'],
			孙三: ['phone_invalid'],
			孙四: ['plan_unknown'],
			孙五: [],
			孙五又: ['duplicate_in_file']
		});
		expect(preview.rows.find((r) => r.name === '孙一')!.place).toContain(g.site.name);

		const batch = uniqueKey('batch');
		const result = await commitImport(g.staff, bytes, batch, '10.0.0.1');
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.admitted.map((a) => a.name)).toEqual(['孙一', '孙五']);
		expect(result.admitted.every((a) => /^\d{8}$/.test(a.code))).toBe(true);
		const stays = await tdb.db
			.select()
			.from(t.stays)
			.where(like(t.stays.idempotencyKey, `${batch}:%`));
		expect(stays).toHaveLength(2);
		const names = await tdb.db
			.select({ name: t.residents.name })
			.from(t.residents)
			.where(eq(t.residents.idNumber, id(1)));
		expect(names).toEqual([{ name: '孙一' }]);

		// Sending the same batch again imports nothing more.
		expect(await commitImport(g.staff, bytes, batch, '10.0.0.1')).toEqual({
			ok: false,
			reason: 'already_imported'
		});
		// A new upload of the same people: they are already in isolation.
		const again = await previewImport(g.staff, bytes);
		expect(again.rows.find((r) => r.name === '孙一')!.errors.map((e) => e.code)).toEqual(['already_active']);
	});

	it('says which rows find no bed, and imports nothing half-way', async () => {
		const g = await ground(1);
		const bytes = new TextEncoder().encode(
			csv(g, [
				['周一', id(11), '13912340011', g.plan.code],
				['周二', id(12), '13912340012', g.plan.code]
			])
		);
		const preview = await previewImport(g.staff, bytes);
		expect(preview.rows.map((r) => r.errors.map((e) => e.code))).toEqual([[], ['no_room_left']]);

		// Someone takes the last bed between preview and commit: the commit changes nothing.
		await tdb.db.update(t.rooms).set({ status: 'needs_disinfection' }).where(eq(t.rooms.id, g.room.id));
		const result = await commitImport(g.staff, bytes, uniqueKey('b'), null);
		expect(result.ok).toBe(false);
		const rows = await tdb.db
			.select()
			.from(t.residents)
			.where(eq(t.residents.idNumber, id(11)));
		expect(rows).toHaveLength(0);
	});

	it('refuses a file without the required columns', async () => {
		const g = await ground(1);
		const preview = await previewImport(
			g.staff,
			new TextEncoder().encode('姓名,手机号\r\n张三,13800001234\r\n')
		);
		expect(preview.fileErrors.join(' ')).toMatch(/missing_columns/);
		expect(preview.rows).toEqual([]);
	});
});
