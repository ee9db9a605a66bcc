/**
 * Dashboard figures kept once settled: in the database, so that a figure counted by one server (or before
 * a restart) is read back by any other rather than counted again; never before it is settled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyReport, warmSettled } from '../../src/lib/server/dashboard';
import { forgetSettled, settled, SETTLED_AFTER_MS, storedKey } from '../../src/lib/server/dashboard/settled';
import * as t from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
beforeAll(async () => {
	tdb = await createTestDatabase();
});
afterAll(async () => {
	await tdb?.destroy();
});

const NOW = new Date('2026-11-24T06:00:00Z');
const kept = async () => (await tdb.db.select().from(t.settledFigures)).map((r) => r.key);

describe('settled figures', () => {
	it('are counted once, then read back from the database by a server that has not counted them', async () => {
		const asOf = new Date(NOW.getTime() - SETTLED_AFTER_MS);
		let counted = 0;
		const count = async () => {
			counted++;
			return [{ site_id: 'a', n: 7 }];
		};
		expect(await settled(tdb.db, 'census|a|1', asOf, NOW, count)).toEqual([{ site_id: 'a', n: 7 }]);
		expect(await kept()).toContain(storedKey('census|a|1'));
		// Another server (or this one restarted): nothing in memory, the database's copy is read.
		forgetSettled();
		const never = () => Promise.reject(new Error('counted again'));
		expect(await settled(tdb.db, 'census|a|1', asOf, NOW, never)).toEqual([{ site_id: 'a', n: 7 }]);
		expect(counted).toBe(1);
	});

	it('are counted every time, and kept nowhere, until they are settled', async () => {
		const asOf = new Date(NOW.getTime() - SETTLED_AFTER_MS + 1);
		let n = 0;
		const count = async () => [{ n: ++n }];
		expect(await settled(tdb.db, 'census|b|1', asOf, NOW, count)).toEqual([{ n: 1 }]);
		expect(await settled(tdb.db, 'census|b|1', asOf, NOW, count)).toEqual([{ n: 2 }]);
		expect(await kept()).not.toContain(storedKey('census|b|1'));
	});

	it('a figure kept by two servers at once is stored once, and both read the same', async () => {
		const asOf = new Date(NOW.getTime() - SETTLED_AFTER_MS);
		forgetSettled();
		const both = await Promise.all([
			settled(tdb.db, 'census|c|1', asOf, NOW, async () => [{ n: 3 }]),
			settled(tdb.db, 'census|c|1', asOf, NOW, async () => [{ n: 3 }])
		]);
		expect(both).toEqual([[{ n: 3 }], [{ n: 3 }]]);
		expect((await kept()).filter((k) => k === storedKey('census|c|1'))).toHaveLength(1);
	});
});

describe('counting the night ahead of the first reader', () => {
	it('keeps yesterday’s report and today’s starting totals once the day’s start is settled', async () => {
		const ground = await makeGround(tdb.db);
		const admin = await makeStaff(tdb.db, 'admin');
		// 00:10 in Shanghai: the day's start is not yet settled, nothing is counted.
		const early = new Date('2026-11-23T16:10:00Z');
		const before = (await kept()).length;
		expect(await warmSettled(early)).toBeNull();
		expect((await kept()).length).toBe(before);
		// 00:20: yesterday's report and the dashboard's totals as of midnight are kept.
		const later = new Date('2026-11-23T16:20:00Z');
		expect(await warmSettled(later)).toBe('2026-11-24');
		const warmed = (await kept()).length;
		expect(warmed).toBeGreaterThan(before);
		// The report of yesterday reads what was kept: the same figures, nothing new stored.
		forgetSettled();
		const report = await dailyReport(admin, '2026-11-23', later);
		expect(report.sites.map((s) => s.id)).toContain(ground.site.id);
		expect((await kept()).length).toBe(warmed);
		// Counted already today: a later look does nothing.
		expect(await warmSettled(new Date('2026-11-24T01:00:00Z'), '2026-11-24')).toBe('2026-11-24');
		expect((await kept()).length).toBe(warmed);
	});
});
