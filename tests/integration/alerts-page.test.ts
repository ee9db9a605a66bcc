import { isRedirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { INBOX_PAGE_SIZE } from '../../src/lib/server/alerts';
import { raiseAlert } from '../../src/lib/server/readings/record';
import { load } from '../../src/routes/alerts/+page.server';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let nurse: Principal;
const TOTAL = INBOX_PAGE_SIZE + 5;
const FIRST = new Date('2026-11-24T00:00:00Z');

beforeAll(async () => {
	tdb = await createTestDatabase();
	const ground = await makeGround(tdb.db);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id]);
	// One fever alert per resident, a minute apart: the oldest is first in the inbox.
	for (let i = 0; i < TOTAL; i++) {
		const r = await makeResident(tdb.db, ground.community.id, { name: `住户${String(i).padStart(3, '0')}` });
		const s = await makeStay(tdb.db, {
			residentId: r.id,
			siteId: ground.site.id,
			homeCommunityId: ground.community.id,
			planId: ground.plan.id
		});
		await raiseAlert(
			tdb.db,
			s.id,
			null,
			{ kind: 'fever', severity: 'warning', value: { temperature: 37.8 } },
			new Date(FIRST.getTime() + i * 60_000)
		);
	}
}, 60_000);
afterAll(async () => {
	await tdb?.destroy();
});

type PageData = {
	rows: { name: string; site: string }[];
	totals: { total: number };
	page: number;
	pages: number;
	from: number;
};

/** The inbox page's data as the route loads it for the nurse, or where it sends them. */
async function open(search: string): Promise<PageData | { redirect: string }> {
	const url = new URL(`http://localhost/alerts${search}`);
	const event = {
		url,
		locals: { principal: nurse, user: null, session: null, locale: 'zh-CN' },
		depends() {}
	};
	try {
		return (await load(event as never)) as unknown as PageData;
	} catch (e) {
		if (isRedirect(e)) return { redirect: e.location };
		throw e;
	}
}

describe('the alert inbox page', () => {
	it('shows a page of the most urgent alerts, the rest a page away, with the totals of all', async () => {
		const first = (await open('')) as PageData;
		expect(first.rows).toHaveLength(INBOX_PAGE_SIZE);
		expect(first).toMatchObject({ page: 1, pages: 2, from: 1, totals: { total: TOTAL } });
		expect(first.rows[0]!.name).toBe('住户000');

		const second = (await open('?page=2')) as PageData;
		expect(second.rows.map((r) => r.name)).toEqual(
			Array.from({ length: 5 }, (_, i) => `住户${String(INBOX_PAGE_SIZE + i).padStart(3, '0')}`)
		);
		expect(second).toMatchObject({ page: 2, pages: 2, from: INBOX_PAGE_SIZE + 1 });
		// Nothing but what the row shows is sent: the site by its name, no stay or site ids.
		expect(Object.keys(second.rows[0]!)).not.toContain('stayId');
		expect(second.rows[0]!.site).toMatch(/\S/);
	});

	it('sends a page past the end to the last page, and reads a bad page number as the first', async () => {
		expect(await open('?page=9&severity=warning')).toEqual({ redirect: '/alerts?page=2&severity=warning' });
		expect(((await open('?page=abc')) as PageData).page).toBe(1);
		expect(((await open('?page=-3')) as PageData).page).toBe(1);
	});
});
