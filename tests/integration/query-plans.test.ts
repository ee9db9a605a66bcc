/**
 * The hot pages read through their indexes. Each use case below runs against a small synthetic city
 * whose history outweighs its present, as a city's does after a few weeks (400 stays under observation,
 * 4,000 ended, ~45,000 readings), with the planner's statistics fresh; every statement it sends is read
 * back from drizzle's logger and EXPLAINed with its own parameters. A sequential scan of readings, stays
 * or alerts there means the page would read the whole table at city scale.
 *
 * No timings: a plan is a property of the query and the schema, not of how busy the machine is.
 */
import { isNull, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import * as alerts from '../../src/lib/server/alerts';
import { dailyReport, dashboard } from '../../src/lib/server/dashboard';
import * as q from '../../src/lib/server/dashboard/queries';
import { forgetSettled } from '../../src/lib/server/dashboard/settled';
import * as t from '../../src/lib/server/db/schema';
import { seedSynthetic } from '../../src/lib/server/db/seed';
import { callList, myDay } from '../../src/lib/server/follow-up';
import { recordReading } from '../../src/lib/server/readings/record';
import { searchResidents } from '../../src/lib/server/resident-list';
import { roomBoard } from '../../src/lib/server/room-board';
import { roundSheet } from '../../src/lib/server/round';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeStaff } from './helpers/principals';

const NOW = new Date('2026-11-24T06:30:00Z'); // 14:30 in Shanghai
const WATCHED = ['readings', 'stays', 'alerts'];

let tdb: TestDatabase;
let capturing = false;
let captured: { query: string; params: unknown[] }[] = [];
let admin: Principal;
let site: { id: string };
let community: { id: string };
let last4: string;
let stayId: string;

beforeAll(async () => {
	tdb = await createTestDatabase({
		logger: {
			logQuery(query, params) {
				if (capturing) captured.push({ query, params });
			}
		}
	});
	await seedSynthetic(tdb.db, { residents: 400, released: 4000, days: 60, seed: 3, now: NOW });
	admin = await makeStaff(tdb.db, 'admin');
	const rows = await tdb.db.execute(sql`
		select s.id as stay_id, s.site_id, si.kind, r.id_last4 from stays s
		join sites si on si.id = s.site_id join residents r on r.id = s.resident_id
		where s.status = 'active' order by si.code, s.idempotency_key`);
	const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
		stay_id: string;
		site_id: string;
		kind: string;
		id_last4: string;
	}[];
	const central = list.find((r) => r.kind === 'centralised')!;
	site = { id: central.site_id };
	community = { id: list.find((r) => r.kind === 'community')!.site_id };
	last4 = central.id_last4;
	stayId = central.stay_id;
}, 120_000);

afterAll(async () => {
	await tdb?.destroy();
});

/** Every statement `run` sends, as drizzle logged it. */
async function statementsOf(run: () => Promise<unknown>) {
	captured = [];
	capturing = true;
	try {
		await run();
	} finally {
		capturing = false;
	}
	return captured;
}

/** The statement with its parameters bound in place of $1, $2, … (drizzle numbers them in order). */
function bound(query: string, params: unknown[]): SQL {
	const parts = query.split(/\$(\d+)/);
	const chunks: SQL[] = [];
	parts.forEach((part, i) => {
		if (i % 2 === 0) chunks.push(sql.raw(part));
		else chunks.push(sql`${params[Number(part) - 1]}`);
	});
	return sql.join(chunks, sql``);
}

interface PlanNode {
	'Node Type': string;
	'Relation Name'?: string;
	Plans?: PlanNode[];
}

function seqScans(node: PlanNode, out: string[] = []): string[] {
	if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) out.push(node['Relation Name']);
	for (const child of node.Plans ?? []) seqScans(child, out);
	return out;
}

/** The watched tables each statement of `run` scans from end to end. */
async function wholeTableReads(run: () => Promise<unknown>, watched = WATCHED) {
	const found: { table: string; query: string }[] = [];
	for (const s of await statementsOf(run)) {
		if (!/^\s*(select|with|insert|update)/i.test(s.query)) continue;
		const res = await tdb.db.execute(sql`explain (format json) ${bound(s.query, s.params)}`);
		const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as {
			'QUERY PLAN': unknown;
		}[];
		const raw = rows[0]!['QUERY PLAN'];
		const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
		for (const table of seqScans(plan[0]!.Plan))
			if (watched.includes(table)) found.push({ table, query: s.query.replace(/\s+/g, ' ').slice(0, 160) });
		if (process.env.PLAN_DEBUG && seqScans(plan[0]!.Plan).some((x) => watched.includes(x))) {
			const text = await tdb.db.execute(sql`explain ${bound(s.query, s.params)}`);
			const lines = (Array.isArray(text) ? text : (text as { rows: unknown[] }).rows) as Record<
				string,
				string
			>[];
			console.log(s.query.slice(0, 300), '\n', lines.map((l) => Object.values(l)[0]).join('\n'));
		}
	}
	return found;
}

describe('hot queries at city shape', () => {
	it('the statements are really captured and explained', async () => {
		const statements = await statementsOf(() => roomBoard(site.id, NOW));
		expect(statements.length).toBeGreaterThan(1);
		// A query that must read every row does show up as a sequential scan: the check can fail.
		const everything = await wholeTableReads(() =>
			tdb.db.select().from(t.readings).where(isNull(t.readings.note)).limit(5)
		);
		expect(everything.map((f) => f.table)).toContain('readings');
	});

	it('residents list: search by the last four ID characters within a site', async () => {
		expect(await wholeTableReads(() => searchResidents(admin, { q: last4, siteId: site.id }, NOW))).toEqual(
			[]
		);
	});

	it('room board and ward-round sheet of a site', async () => {
		expect(await wholeTableReads(() => roomBoard(site.id, NOW))).toEqual([]);
		expect(await wholeTableReads(() => roundSheet(site.id, {}, NOW))).toEqual([]);
	});

	it("call list of a community, and the clinician's own day on the same page", async () => {
		// The list reads each stay's calls, readings, alerts and resident by key; never a whole table.
		const watched = [...WATCHED, 'calls', 'residents'];
		const list = await callList(admin, { communityId: community.id }, 30, NOW);
		expect(list!.counts.total).toBeGreaterThan(0);
		expect(
			await wholeTableReads(() => callList(admin, { communityId: community.id }, 30, NOW), watched)
		).toEqual([]);
		expect(await wholeTableReads(() => callList(admin, {}, 30, NOW), watched)).toEqual([]);
		expect(await wholeTableReads(() => myDay(admin, 'Asia/Shanghai', NOW), watched)).toEqual([]);
	});

	it('alert inbox and the navigation badge', async () => {
		expect(await wholeTableReads(() => alerts.inbox(admin))).toEqual([]);
		expect(await wholeTableReads(() => alerts.activeCount(admin))).toEqual([]);
	});

	it('recording a reading: the stay with the day’s symptoms, then the one statement that writes it all', async () => {
		const found = await wholeTableReads(() =>
			recordReading(
				admin,
				{
					stayId,
					source: 'staff_round',
					takenAt: NOW.toISOString(),
					// A fever and a symptom: the statements read the day's symptoms and land an alert.
					temperature: 38.2,
					onOxygen: false,
					symptoms: ['dry_cough'],
					idempotencyKey: 'plan-check-1'
				} as never,
				null,
				NOW
			)
		);
		expect(found).toEqual([]);
	});

	it("the live dashboard's figures: stays under observation, releases due, unreached, today's flows, active alerts", async () => {
		const sites = (await tdb.db.select({ id: t.sites.id }).from(t.sites)).map((s) => s.id);
		const dayStart = new Date('2026-11-23T16:00:00Z');
		const slot = {
			slot: 'morning' as const,
			slotDate: '2026-11-24',
			opened: new Date('2026-11-24T00:00:00Z')
		};
		const live = () =>
			Promise.all([
				q.observingNow(tdb.db, sites),
				q.releasesDueNow(tdb.db, sites, NOW, 'Asia/Shanghai', 3, 14),
				q.unreachedNow(tdb.db, [community.id], NOW, slot),
				q.flows(tdb.db, sites, dayStart, NOW, dayStart),
				q.closeContactsSince(tdb.db, sites, dayStart, NOW),
				q.activeAlertsNow(tdb.db, sites)
			]);
		expect((await live())[0].length).toBeGreaterThan(0);
		expect(await wholeTableReads(live)).toEqual([]);
	});

	// The dashboard's figures are counted from the stay events of every stay under observation and of
	// every admission so far: they read stays (and, for the 30-day chart, a month of alerts) from end to
	// end by design, until those counts are kept in a summary table. What they must never do is read
	// every reading.
	it('dashboard and a past daily report never read all readings', async () => {
		// Nothing kept, in memory or in the database: every figure is counted here.
		forgetSettled();
		await tdb.db.delete(t.settledFigures);
		const readingsOnly = (found: { table: string }[]) => found.filter((f) => f.table === 'readings');
		expect(readingsOnly(await wholeTableReads(() => dashboard(admin, NOW)))).toEqual([]);
		expect(readingsOnly(await wholeTableReads(() => dailyReport(admin, '2026-11-22')))).toEqual([]);
	});
});
