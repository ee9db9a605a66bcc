/**
 * POST /api/v1/readings through both of its doors, on a real database: the production server's direct
 * route (src/lib/server/direct-routes.ts, behind a real Node HTTP server) and the SvelteKit route. The
 * same request gets the same answer through either, and a reading stored through one is replayed
 * through the other with its first answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../src/lib/server/db/schema';
import { READING_BODY_LIMIT } from '../../src/lib/server/devices/reading-endpoint';
import { createDeviceToken } from '../../src/lib/server/devices/tokens';
import { directRouter } from '../../src/lib/server/direct-routes';
import { POST as postReading } from '../../src/routes/api/v1/readings/+server';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';
import { makeStaff } from './helpers/principals';

let tdb: TestDatabase;
let token = '';
let stayId = '';
let server: Server;
let base = '';
/** Requests the direct route declined, as the production server would hand them to SvelteKit. */
const declined: string[] = [];

const takenAgo = (minutes: number) =>
	DateTime.now().setZone('Asia/Shanghai').minus({ minutes }).toISO({ suppressMilliseconds: true })!;

const reading = (over: Record<string, unknown> = {}) => ({
	stayId,
	takenAt: takenAgo(20),
	source: 'device',
	temperature: 36.7,
	spo2: 97,
	idempotencyKey: uniqueKey('door'),
	...over
});

interface Answer {
	status: number;
	body: unknown;
	headers: Headers;
}

async function direct(body: unknown, headers: Record<string, string> = {}, path = '/api/v1/readings') {
	const res = await fetch(`${base}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers } as Answer;
}

async function viaKit(body: unknown, auth: string | null = `Bearer ${token}`): Promise<Answer> {
	const headers = new Headers({ 'content-type': 'application/json' });
	if (auth) headers.set('authorization', auth);
	const url = new URL('http://localhost/api/v1/readings');
	const res = await (postReading as (e: unknown) => Promise<Response>)({
		request: new Request(url, {
			method: 'POST',
			headers,
			body: typeof body === 'string' ? body : JSON.stringify(body)
		}),
		url,
		params: {},
		locals: { principal: null, user: null, session: null },
		getClientAddress: () => '10.0.0.9'
	});
	return { status: res.status, body: await res.json(), headers: res.headers };
}

beforeAll(async () => {
	tdb = await createTestDatabase();
	const db = tdb.db;
	const admin = await makeStaff(db, 'admin');
	const g = await makeGround(db);
	const r = await makeResident(db, g.community.id, { birthDate: '1980-05-01' });
	stayId = (
		await makeStay(db, {
			residentId: r.id,
			siteId: g.site.id,
			homeCommunityId: g.community.id,
			planId: g.plan.id
		})
	).id;
	const made = await createDeviceToken(
		admin,
		{ name: '门诊体温计', siteIds: [g.site.id], idempotencyKey: uniqueKey('tok') },
		'127.0.0.1'
	);
	if (!made.ok) throw new Error(made.error);
	token = made.value.token;

	const route = directRouter({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
	server = createServer((req, res) => {
		const take = route(req);
		if (take) return take(req, res);
		declined.push(`${req.method} ${req.url}`);
		res.statusCode = 404;
		res.end();
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((done) => server?.close(done));
	await tdb?.destroy();
});

describe('the direct route and the SvelteKit route', () => {
	it('store a reading once and replay it through the other door with the first answer', async () => {
		const first = reading({ temperature: 38.4 });
		const stored = await direct(first);
		expect(stored.status).toBe(201);
		expect(stored.body).toMatchObject({
			reading: { stayId, temperature: 38.4, idempotencyKey: first.idempotencyKey, source: 'device' },
			alerts: [{ kind: 'fever', severity: 'warning', status: 'open' }]
		});
		const replayed = await viaKit(first);
		expect(replayed).toMatchObject({ status: 200, body: stored.body });

		const second = reading();
		const viaRoute = await viaKit(second);
		expect(viaRoute.status).toBe(201);
		expect(await direct(second)).toMatchObject({ status: 200, body: viaRoute.body });
		const rows = await tdb.db
			.select({ id: t.readings.id })
			.from(t.readings)
			.where(eq(t.readings.stayId, stayId));
		expect(rows).toHaveLength(2);
	});

	it('give the same refusals: no token, not JSON, a NUL, a bad field, a reused key, too large a body', async () => {
		const used = reading();
		expect((await direct(used)).status).toBe(201);
		const cases: [string, unknown, string | null][] = [
			['no token', reading(), null],
			['a malformed header', reading(), 'Token abc'],
			['an unknown token', reading(), 'Bearer icd_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
			['not JSON', '{"stayId":', `Bearer ${token}`],
			['a NUL', reading({ note: 'a\u0000b' }), `Bearer ${token}`],
			['a temperature out of range', reading({ temperature: 52 }), `Bearer ${token}`],
			['a key used for another reading', { ...used, temperature: 37.9 }, `Bearer ${token}`],
			['too large a body', reading({ note: 'x'.repeat(READING_BODY_LIMIT) }), `Bearer ${token}`]
		];
		for (const [label, body, auth] of cases) {
			const a = await direct(body, auth ? { authorization: auth } : { authorization: '' });
			const b = await viaKit(body, auth);
			expect({ label, status: a.status, body: a.body }).toEqual({ label, status: b.status, body: b.body });
			expect(a.status, label).toBeGreaterThanOrEqual(400);
			expect(a.status, label).toBeLessThan(500);
			expect(a.headers.get('www-authenticate')).toBe(b.headers.get('www-authenticate'));
		}
		const rows = await tdb.db
			.select({ id: t.readings.id })
			.from(t.readings)
			.where(eq(t.readings.idempotencyKey, `device:${await tokenId()}:${used.idempotencyKey}`));
		expect(rows).toHaveLength(1);
	});

	it('answers with the API’s headers: JSON, no caching, the security headers, the request id it was given', async () => {
		const a = await direct(reading(), { 'x-request-id': 'ward-3-thermo-0042' });
		expect(a.status).toBe(201);
		expect(a.headers.get('content-type')).toBe('application/json');
		expect(a.headers.get('cache-control')).toBe('no-store');
		expect(a.headers.get('x-content-type-options')).toBe('nosniff');
		expect(a.headers.get('x-frame-options')).toBe('DENY');
		expect(a.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(a.headers.get('x-request-id')).toBe('ward-3-thermo-0042');
		const b = await direct(reading());
		expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('audits a reading under the client address a proxy names (ADDRESS_HEADER, XFF_DEPTH)', async () => {
		const body = reading();
		const a = await direct(body, { 'x-forwarded-for': '203.0.113.9, 10.1.2.3' });
		expect(a.status).toBe(201);
		const id = (a.body as { reading: { id: string } }).reading.id;
		const [row] = await tdb.db
			.select({ ip: t.auditLog.ip, actorId: t.auditLog.actorId })
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'reading'), eq(t.auditLog.entityId, id)));
		expect(row).toEqual({ ip: '10.1.2.3', actorId: await tokenId() });
	});

	it('leaves to SvelteKit what it does not take: a cookie, a query string, another path', async () => {
		declined.length = 0;
		await direct(reading(), { cookie: 'session=abc' });
		await direct(reading(), {}, '/api/v1/readings?x=1');
		await direct(reading(), {}, '/api/v1/readings/');
		expect(declined).toEqual([
			'POST /api/v1/readings',
			'POST /api/v1/readings?x=1',
			'POST /api/v1/readings/'
		]);
	});
});

async function tokenId(): Promise<string> {
	const [row] = await tdb.db.select({ id: t.deviceTokens.id }).from(t.deviceTokens);
	return row!.id;
}
