import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { resolveSchema } from '../../src/lib/schemas/alerts';
import { readingSchema } from '../../src/lib/schemas/reading';
import { acknowledge, activeCount, inbox, resolve } from '../../src/lib/server/alerts';
import { openDatabase, useDatabase, type Database } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import { alertEventStream, createLiveHub } from '../../src/lib/server/live';
import { recordReading } from '../../src/lib/server/readings/record';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let ground: Awaited<ReturnType<typeof makeGround>>;
let other: Awaited<ReturnType<typeof makeGround>>;
let nurse: Principal;
let nurse2: Principal;
let outsider: Principal;
let admin: Principal;

beforeAll(async () => {
	tdb = await createTestDatabase();
	ground = await makeGround(tdb.db);
	other = await makeGround(tdb.db);
	nurse = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士甲');
	nurse2 = await makeStaff(tdb.db, 'site_staff', [ground.site.id], '护士乙');
	outsider = await makeStaff(tdb.db, 'site_staff', [other.site.id]);
	admin = await makeStaff(tdb.db, 'admin');
});
afterAll(async () => {
	await tdb?.destroy();
});

async function stayAt(g: typeof ground) {
	const r = await makeResident(tdb.db, g.community.id, { birthDate: '1970-03-03' });
	const s = await makeStay(tdb.db, {
		residentId: r.id,
		siteId: g.site.id,
		homeCommunityId: g.community.id,
		planId: g.plan.id
	});
	return s.id;
}

async function read(stayId: string, takenAt: string, values: Record<string, unknown>) {
	const result = await recordReading(
		nurse,
		readingSchema.parse({ stayId, source: 'staff_round', takenAt, idempotencyKey: uniqueKey('r'), ...values })
	);
	if (!result.ok) throw new Error(result.error);
	return result;
}

const alertOf = async (stayId: string, kind: (typeof t.alertKindEnum.enumValues)[number]) => {
	const [a] = await tdb.db
		.select()
		.from(t.alerts)
		.where(and(eq(t.alerts.stayId, stayId), eq(t.alerts.kind, kind)));
	return a!;
};

describe('the alert inbox', () => {
	let feverStay: string;
	let hypoxiaStay: string;
	let otherStay: string;

	it('lists active alerts in scope, critical first, then oldest first', async () => {
		feverStay = await stayAt(ground);
		hypoxiaStay = await stayAt(ground);
		otherStay = await stayAt(other);
		await read(feverStay, '2026-11-24T08:00:00+08:00', { temperature: 37.8 });
		await read(hypoxiaStay, '2026-11-24T09:00:00+08:00', { spo2: 91 });
		await read(otherStay, '2026-11-24T07:00:00+08:00', { temperature: 39.5 });
		const early = await stayAt(ground);
		await read(early, '2026-11-24T06:00:00+08:00', { temperature: 37.5 });

		const mine = await inbox(nurse);
		expect(mine.rows.map((r) => [r.kind, r.severity, r.stayId])).toEqual([
			['hypoxia', 'critical', hypoxiaStay],
			['fever', 'warning', early],
			['fever', 'warning', feverStay]
		]);
		expect(mine.totals).toMatchObject({ total: 3, critical: 1, open: 3, escalated: 0 });
		expect((await inbox(outsider)).rows.map((r) => r.stayId)).toEqual([otherStay]);
		expect((await inbox(admin)).rows).toHaveLength(4);
		expect((await inbox(nurse, { severity: 'critical' })).rows.map((r) => r.kind)).toEqual(['hypoxia']);
		expect((await inbox(nurse, { kind: 'fever' })).rows).toHaveLength(2);
		expect(await activeCount(nurse)).toEqual({ open: 3, critical: 1 });

		// Page by page, in the same order, with the totals of them all on every page.
		const page = (n: number) => inbox(nurse, {}, { page: n, pageSize: 2 });
		expect((await page(1)).rows.map((r) => r.stayId)).toEqual([hypoxiaStay, early]);
		expect((await page(2)).rows.map((r) => r.stayId)).toEqual([feverStay]);
		expect((await page(2)).totals.total).toBe(3);
		expect((await page(3)).rows).toEqual([]);
	});

	it('acknowledging keeps the alert active with who and the note; a second acknowledgement says by whom', async () => {
		const alert = await alertOf(feverStay, 'fever');
		const first = await acknowledge(nurse, { alertId: alert.id, note: '已复测，安排退热' });
		expect(first).toEqual({ ok: true, changed: true });
		const again = await acknowledge(nurse2, { alertId: alert.id, note: '' });
		expect(again).toEqual({ ok: true, changed: false, by: '护士甲' });

		const row = (await inbox(nurse)).rows.find((r) => r.id === alert.id)!;
		expect(row).toMatchObject({
			status: 'acknowledged',
			acknowledgedBy: '护士甲',
			acknowledgeNote: '已复测，安排退热'
		});
		expect(await activeCount(nurse)).toEqual({ open: 2, critical: 1 });
		const audits = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entityId, alert.id), eq(t.auditLog.action, 'acknowledge')));
		expect(audits).toHaveLength(1);
	});

	it('staff of another site cannot see or act on the alert', async () => {
		const alert = await alertOf(feverStay, 'fever');
		expect(await acknowledge(outsider, { alertId: alert.id, note: '' })).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect(await resolve(outsider, { alertId: alert.id, outcome: 'false_reading', note: '' })).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect((await alertOf(feverStay, 'fever')).status).toBe('acknowledged');
	});

	it('resolving with an outcome takes it out of the inbox; the next fever opens a new alert', async () => {
		const alert = await alertOf(feverStay, 'fever');
		// A form sent without a choice is refused, never given a default outcome.
		expect(resolveSchema.parse({ alertId: alert.id }).outcome).toBeUndefined();
		expect(await resolve(nurse, { alertId: alert.id, note: '' })).toEqual({
			ok: false,
			error: 'outcome_required'
		});
		expect((await alertOf(feverStay, 'fever')).status).toBe('acknowledged');
		expect(
			await resolve(nurse, { alertId: alert.id, outcome: 'rechecked_normal', note: '复测 36.8' })
		).toEqual({
			ok: true,
			changed: true
		});
		expect(await resolve(nurse2, { alertId: alert.id, outcome: 'false_reading', note: '' })).toMatchObject({
			ok: true,
			changed: false
		});
		const stored = await alertOf(feverStay, 'fever');
		expect(stored).toMatchObject({
			status: 'resolved',
			outcome: 'rechecked_normal',
			resolvedBy: nurse.userId
		});
		expect(await acknowledge(nurse, { alertId: alert.id, note: '' })).toEqual({
			ok: false,
			error: 'already_resolved'
		});
		expect((await inbox(nurse)).rows.some((r) => r.id === alert.id)).toBe(false);

		await read(feverStay, '2026-11-24T20:00:00+08:00', { temperature: 38.1 });
		const fevers = await tdb.db
			.select()
			.from(t.alerts)
			.where(and(eq(t.alerts.stayId, feverStay), eq(t.alerts.kind, 'fever')));
		expect(fevers.map((f) => f.status).sort()).toEqual(['open', 'resolved']);
	});

	it.skipIf(engine !== 'postgres')(
		'two staff acknowledging one alert at once: one records it, the other is told',
		async () => {
			const alert = await alertOf(hypoxiaStay, 'hypoxia');
			const results = await Promise.all([
				acknowledge(nurse, { alertId: alert.id, note: '甲' }),
				acknowledge(nurse2, { alertId: alert.id, note: '乙' })
			]);
			expect(results.filter((r) => r.ok && r.changed)).toHaveLength(1);
			expect(results.filter((r) => r.ok && !r.changed)).toHaveLength(1);
			const audits = await tdb.db
				.select()
				.from(t.auditLog)
				.where(and(eq(t.auditLog.entityId, alert.id), eq(t.auditLog.action, 'acknowledge')));
			expect(audits).toHaveLength(1);
		}
	);
});

/** A reader of a server-sent event stream: waits for the next event that matches, or gives up. */
function sse(stream: ReadableStream<Uint8Array>) {
	const reader = stream.getReader();
	const decoder = new TextDecoder();
	const events: string[] = [];
	let buffer = '';
	return {
		async next(prefix: string, ms = 5000): Promise<string | null> {
			const deadline = Date.now() + ms;
			for (;;) {
				const i = events.findIndex((e) => e.startsWith(prefix));
				if (i >= 0) return events.splice(0, i + 1).at(-1)!;
				const left = deadline - Date.now();
				if (left <= 0) return null;
				const chunk = await Promise.race([
					reader.read(),
					new Promise<null>((r) => setTimeout(() => r(null), left))
				]);
				if (!chunk) return null;
				if (chunk.done) return null;
				buffer += decoder.decode(chunk.value);
				const parts = buffer.split('\n\n');
				buffer = parts.pop()!;
				events.push(...parts.map((p) => p.replace(/^retry: \d+\n/, '')));
			}
		}
	};
}

describe('live alert events', () => {
	it('an alert in scope reaches an open event stream; one out of scope does not', async () => {
		const hub = createLiveHub(tdb);
		const mine = new AbortController();
		const theirs = new AbortController();
		const nurseStream = sse(alertEventStream(hub, nurse, mine.signal));
		const outsiderStream = sse(alertEventStream(hub, outsider, theirs.signal));
		expect(await nurseStream.next('event: ready')).not.toBeNull();
		expect(await outsiderStream.next('event: ready')).not.toBeNull();
		const stayId = await stayAt(ground);
		await read(stayId, '2026-11-24T10:00:00+08:00', { temperature: 38.4 });
		const [seen, notSeen] = await Promise.all([
			nurseStream.next('event: alerts'),
			outsiderStream.next('event: alerts', 1500)
		]);
		expect(seen).toContain(`"siteId":"${ground.site.id}"`);
		expect(notSeen).toBeNull();
		mine.abort();
		theirs.abort();
		await hub.close();
	});

	it.skipIf(engine !== 'postgres')(
		'an alert raised through one server reaches an event stream of another server',
		async () => {
			// Server B: its own connection pool and its own LISTEN; server A records the reading.
			const serverB: Database = await openDatabase({ databaseUrl: tdb.url!, poolMax: 2 });
			const hubB = createLiveHub(serverB);
			const stop = new AbortController();
			const stream = sse(alertEventStream(hubB, nurse, stop.signal));
			expect(await stream.next('event: ready')).not.toBeNull();
			const stayId = await stayAt(ground);
			useDatabase(tdb);
			await read(stayId, '2026-11-24T10:30:00+08:00', { spo2: 90 });
			expect(await stream.next('event: alerts')).toContain(`"siteId":"${ground.site.id}"`);
			stop.abort();
			await hubB.close();
			await serverB.close();
		}
	);
});
