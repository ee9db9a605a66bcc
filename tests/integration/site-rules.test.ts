import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { readingSchema } from '../../src/lib/schemas/reading';
import { thresholdsSchema } from '../../src/lib/schemas/thresholds';
import * as t from '../../src/lib/server/db/schema';
import { recordReading } from '../../src/lib/server/readings/record';
import { DEFAULTS, saveThresholds, siteThresholds } from '../../src/lib/server/site-rules';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let admin: Principal;
beforeAll(async () => {
	tdb = await createTestDatabase();
	admin = await makeStaff(tdb.db, 'admin');
});
afterAll(async () => {
	await tdb?.destroy();
});

async function stayAt(g: Awaited<ReturnType<typeof makeGround>>) {
	const r = await makeResident(tdb.db, g.community.id, { birthDate: '1975-01-01' });
	return (
		await makeStay(tdb.db, {
			residentId: r.id,
			siteId: g.site.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id
		})
	).id;
}

async function alertKinds(stayId: string, values: Record<string, unknown>) {
	const result = await recordReading(
		null,
		readingSchema.parse({ stayId, source: 'staff_round', idempotencyKey: uniqueKey('r'), ...values })
	);
	if (!result.ok) throw new Error(result.error);
	return result.alerts.map((a) => `${a.kind}:${a.severity}`);
}

describe('per-site thresholds', () => {
	it('start at the defaults of DESIGN §3', async () => {
		const g = await makeGround(tdb.db);
		expect((await siteThresholds(g.site.id))!.values).toEqual({
			fever: 37.3,
			feverCritical: 39,
			scale1Warning: 94,
			scale1Critical: 92,
			scale2Warning: 87,
			scale2Critical: 85
		});
	});

	it('edited for one site change alerts there only', async () => {
		const strict = await makeGround(tdb.db);
		const usual = await makeGround(tdb.db);
		const version = (await siteThresholds(strict.site.id))!.version;
		const saved = await saveThresholds(
			admin,
			strict.site.id,
			{ ...DEFAULTS, fever: 37.5, scale1Warning: 95, selfReport: true, version },
			null
		);
		expect(saved).toEqual({ ok: true, version: version + 1 });
		// Only the changed values are stored; the rest keep following the defaults.
		const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, strict.site.id));
		expect(row!.settings).toEqual({ thresholds: { fever: 37.5, hypoxia: { scale1: { warning: 95 } } } });

		expect(await alertKinds(await stayAt(strict), { temperature: 37.4 })).toEqual([]);
		expect(await alertKinds(await stayAt(usual), { temperature: 37.4 })).toEqual(['fever:warning']);
		expect(await alertKinds(await stayAt(strict), { spo2: 95 })).toEqual(['hypoxia:warning']);
		expect(await alertKinds(await stayAt(usual), { spo2: 95 })).toEqual([]);

		const audits = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entityId, strict.site.id), eq(t.auditLog.action, 'update_thresholds')));
		expect(audits).toHaveLength(1);
		expect(audits[0]!.before).toEqual({ fever: 37.3, scale1Warning: 94 });
		expect(audits[0]!.after).toEqual({ fever: 37.5, scale1Warning: 95 });

		// Restoring the defaults removes the site's own values.
		expect(
			await saveThresholds(admin, strict.site.id, { reset: true, version: version + 1 }, null)
		).toMatchObject({
			ok: true
		});
		expect(await alertKinds(await stayAt(strict), { temperature: 37.4 })).toEqual(['fever:warning']);
	});

	it('switching self-report off is stored, audited, and undone by restoring the defaults', async () => {
		const g = await makeGround(tdb.db);
		const version = (await siteThresholds(g.site.id))!.version;
		expect((await siteThresholds(g.site.id))!.selfReport).toBe(true);
		await saveThresholds(admin, g.site.id, { ...DEFAULTS, selfReport: false, version }, null);
		expect((await siteThresholds(g.site.id))!.selfReport).toBe(false);
		const [row] = await tdb.db.select().from(t.sites).where(eq(t.sites.id, g.site.id));
		expect(row!.settings).toEqual({ selfReport: false });
		const [entry] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entityId, g.site.id), eq(t.auditLog.action, 'update_thresholds')));
		expect(entry!.after).toEqual({ selfReport: false });
		await saveThresholds(admin, g.site.id, { reset: true, version: version + 1 }, null);
		expect((await siteThresholds(g.site.id))!.selfReport).toBe(true);
	});

	it('a stale version is refused and changes nothing', async () => {
		const g = await makeGround(tdb.db);
		const version = (await siteThresholds(g.site.id))!.version;
		expect(
			await saveThresholds(
				admin,
				g.site.id,
				{ ...DEFAULTS, fever: 38, selfReport: true, version: version + 5 },
				null
			)
		).toEqual({
			ok: false,
			error: 'site_stale'
		});
		expect((await siteThresholds(g.site.id))!.values.fever).toBe(37.3);
	});

	it('refuses values that would silence a rule or invert its lines', () => {
		const base = { ...DEFAULTS, version: 0 };
		const issues = (v: Record<string, unknown>) => {
			const r = thresholdsSchema.safeParse({ ...base, ...v });
			return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
		};
		expect(issues({})).toEqual([]);
		expect(issues({ fever: 36.5 })).toEqual(['fever:range_37_38.5']);
		expect(issues({ scale1Warning: 98 })).toEqual(['scale1Warning:range_88_97']);
		expect(issues({ fever: 38.2, feverCritical: 38.0 })).toEqual(['feverCritical:critical_above_warning']);
		expect(issues({ scale2Warning: 85, scale2Critical: 86 })).toEqual([
			'scale2Critical:critical_below_warning'
		]);
		expect(issues({ scale1Warning: 94.5 })).toEqual(['scale1Warning:whole_number']);
	});
});
