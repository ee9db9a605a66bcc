/**
 * Every HTTP endpoint that takes input, through its real handler on a real database, thrown random and
 * hostile input (fast-check): huge strings, wrong types, SQL and HTML fragments, emoji, NUL bytes,
 * far-future dates. The answer is always a 2xx/3xx for what is valid or a 4xx with a reason, never a
 * 500 (a handler that throws anything but SvelteKit's own error or redirect); and a refused request
 * writes nothing.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { createDeviceToken } from '../../src/lib/server/devices/tokens';
import { refuseNul } from '../../src/lib/server/nul-guard';
import { POST as postReading } from '../../src/routes/api/v1/readings/+server';
import { POST as reveal } from '../../src/routes/api/v1/residents/[residentId]/reveal/+server';
import { GET as getStays } from '../../src/routes/api/v1/stays/+server';
import { POST as exportDownload } from '../../src/routes/dashboard/exports/download/+server';
import { GET as reportCsv } from '../../src/routes/dashboard/report/csv/+server';
import { actions as newUserActions } from '../../src/routes/admin/users/new/+page.server';
import { POST as language } from '../../src/routes/language/+server';
import { hostileRecord, hostileString, hostileValue, NASTY_STRINGS } from '../hostile';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeStay, uniqueKey } from './helpers/factories';

type Handler = (event: unknown) => Promise<Response>;

let tdb: TestDatabase;
let admin: Principal;
let token = '';
let stayId = '';
let residentId = '';
const RUNS = { numRuns: 60, seed: Number(process.env.FC_SEED ?? 4242) };

beforeAll(async () => {
	tdb = await createTestDatabase();
	const ground = await makeGround(tdb.db);
	const [user] = await tdb.db
		.insert((await import('../../src/lib/server/db/schema')).users)
		.values({ username: `admin-${uniqueKey()}`, displayName: '管理员', role: 'admin' })
		.returning();
	admin = { userId: user!.id, role: 'admin', siteIds: [], residentId: null, readOnly: false };
	const made = await createDeviceToken(
		admin,
		{ name: '体温计', siteIds: [ground.site.id], idempotencyKey: uniqueKey('tok') },
		null
	);
	if (!made.ok) throw new Error(made.error);
	token = made.value.token;
	const r = await makeResident(tdb.db, ground.community.id);
	residentId = r.id;
	const admittedAt = new Date(Date.now() - 2 * 86_400_000);
	stayId = (
		await makeStay(
			tdb.db,
			{
				residentId: r.id,
				siteId: ground.site.id,
				homeCommunityId: ground.community.id,
				planId: ground.plan.id
			},
			{ admittedAt, periodStart: admittedAt }
		)
	).id;
});
afterAll(async () => {
	await tdb?.destroy();
});

/** Rows in the tables a request could write to. */
async function written(): Promise<number> {
	const result = await tdb.db.execute(
		sql`select (select count(*) from readings) + (select count(*) from alerts) +
		           (select count(*) from audit_log) + (select count(*) from device_readings) as n`
	);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: string }[];
	return Number(rows[0]!.n);
}

function event(opts: {
	method?: string;
	url: string;
	headers?: Record<string, string>;
	body?: BodyInit;
	params?: Record<string, string>;
	principal?: Principal | null;
}) {
	const url = new URL(opts.url, 'http://localhost');
	return {
		request: new Request(url, { method: opts.method ?? 'GET', headers: opts.headers, body: opts.body }),
		url,
		params: opts.params ?? {},
		locals: { principal: opts.principal ?? null, user: null, session: null },
		cookies: { set() {}, get: () => undefined, delete() {} },
		getClientAddress: () => '10.0.0.9'
	};
}

/** The status a browser would see: SvelteKit's thrown errors and redirects become their status; anything else is a 500. */
async function statusOf(handler: Handler, ev: unknown): Promise<number> {
	try {
		return (await handler(ev)).status;
	} catch (e) {
		if (isHttpError(e) || isRedirect(e)) return e.status;
		throw e;
	}
}

/** A form field's text, as a browser would send whatever it was given. */
const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** A valid reading body, so that one hostile field at a time is what the server judges. */
const validReading = () => ({
	stayId,
	takenAt: new Date(Date.now() - 60_000).toISOString(),
	source: 'device',
	temperature: 36.6,
	idempotencyKey: uniqueKey('hostile')
});
const READING_KEYS = Object.keys({
	...validReading(),
	idNumber: 0,
	spo2: 0,
	spo2Scale: 0,
	onOxygen: 0,
	pulse: 0,
	respRate: 0,
	systolicBP: 0,
	diastolicBP: 0,
	consciousness: 0,
	symptoms: 0
});

describe('POST /api/v1/readings under hostile input', () => {
	const send = async (body: string) =>
		statusOf(
			postReading as Handler,
			event({
				method: 'POST',
				url: '/api/v1/readings',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body
			})
		);

	it('one hostile field in an otherwise valid reading: 201 when the value is acceptable, else a 4xx that writes nothing', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...READING_KEYS), hostileValue, async (key, value) => {
				const before = await written();
				const status = await send(JSON.stringify({ ...validReading(), [key]: value }));
				if (status === 201) return;
				expect(status).toBeGreaterThanOrEqual(400);
				expect(status).toBeLessThan(500);
				expect(await written()).toBe(before);
			}),
			RUNS
		);
	});

	it('random objects, arrays, scalars and non-JSON bodies: a 4xx that writes nothing', async () => {
		const bodies = fc.oneof(
			hostileRecord(READING_KEYS).map((v) => JSON.stringify(v)),
			hostileValue.map((v) => JSON.stringify(v) ?? 'undefined'),
			hostileString
		);
		await fc.assert(
			fc.asyncProperty(bodies, async (body) => {
				const before = await written();
				const status = await send(body);
				expect(status).toBeGreaterThanOrEqual(400);
				expect(status).toBeLessThan(500);
				expect(await written()).toBe(before);
			}),
			RUNS
		);
	});

	it('a NUL byte in any text field is refused, not a database error', async () => {
		for (const key of ['idempotencyKey', 'idNumber', 'source', 'consciousness', 'takenAt']) {
			const before = await written();
			const body = { ...validReading(), [key]: `abcdefgh\u0000${key}` };
			if (key === 'idNumber') delete (body as Partial<typeof body>).stayId;
			const status = await send(JSON.stringify(body));
			expect(status, key).toBe(422);
			expect(await written()).toBe(before);
		}
	});
});

describe('the other endpoints under hostile input', () => {
	const headerSafe = hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 4000));

	it('GET /api/v1/stays with hostile tokens: 401', async () => {
		await fc.assert(
			fc.asyncProperty(headerSafe, async (value) => {
				const status = await statusOf(
					getStays as Handler,
					event({ url: '/api/v1/stays', headers: { authorization: `Bearer ${value}` } })
				);
				expect(status).toBe(401);
			}),
			RUNS
		);
	});

	it('POST /api/v1/residents/{id}/reveal with hostile ids and bodies: a 4xx that writes nothing', async () => {
		const ids = fc.oneof(hostileString, fc.uuid(), fc.constant(residentId));
		const bodies = fc.oneof(
			hostileRecord(['field']).map((v) => JSON.stringify(v)),
			hostileString,
			fc.constantFrom(...NASTY_STRINGS).map((field) => JSON.stringify({ field }))
		);
		await fc.assert(
			fc.asyncProperty(ids, bodies, async (id, body) => {
				const before = await written();
				const status = await statusOf(
					reveal as Handler,
					event({
						method: 'POST',
						url: `/api/v1/residents/x/reveal`,
						params: { residentId: id },
						headers: { 'content-type': 'application/json' },
						body,
						principal: admin
					})
				);
				expect(status).toBeGreaterThanOrEqual(400);
				expect(status).toBeLessThan(500);
				expect(await written()).toBe(before);
			}),
			RUNS
		);
	});

	it('GET /dashboard/report/csv with hostile dates: 400 (or the report for a real past date)', async () => {
		const dates = fc.oneof(
			hostileString,
			fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
		);
		await fc.assert(
			fc.asyncProperty(dates, async (date) => {
				const status = await statusOf(
					reportCsv as Handler,
					event({ url: `/dashboard/report/csv?date=${encodeURIComponent(date)}`, principal: admin })
				);
				expect([200, 400]).toContain(status);
			}),
			{ ...RUNS, numRuns: 30 }
		);
	});

	it('POST /dashboard/exports/download with hostile fields: back to the form (303), nothing written', async () => {
		const fields = hostileRecord(['siteId', 'kind', 'from', 'to', 'reveal', 'reason']);
		await fc.assert(
			fc.asyncProperty(fields, async (raw) => {
				const form = new FormData();
				for (const [k, v] of Object.entries(raw)) form.set(k, asText(v));
				const before = await written();
				const status = await statusOf(
					exportDownload as Handler,
					event({ method: 'POST', url: '/dashboard/exports/download', body: form, principal: admin })
				);
				expect(status).toBe(303);
				expect(await written()).toBe(before);
			}),
			{ ...RUNS, numRuns: 30 }
		);
	});

	it('POST /language with hostile fields: 303 to a local path, or 400', async () => {
		await fc.assert(
			fc.asyncProperty(hostileRecord(['locale', 'redirectTo']), async (raw) => {
				const form = new FormData();
				for (const [k, v] of Object.entries(raw)) form.set(k, asText(v));
				let location = '';
				let status: number;
				try {
					status = (await (language as Handler)(event({ method: 'POST', url: '/language', body: form })))
						.status;
				} catch (e) {
					if (isRedirect(e)) location = e.location;
					if (isHttpError(e) || isRedirect(e)) status = e.status;
					else throw e;
				}
				expect([303, 400]).toContain(status);
				if (status === 303) expect(location).toMatch(/^\/(?![/\\])/);
			}),
			RUNS
		);
	});

	it('a NUL in a form post or a query string is refused at the door, before any page or action runs', async () => {
		const cases = [
			event({
				method: 'POST',
				url: '/admit',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'name=%E5%BC%A0%00%E4%B8%89&phone=13812345678'
			}),
			event({ url: '/residents?q=%00' }),
			event({
				method: 'POST',
				url: '/api/v1/readings',
				headers: { 'content-type': 'application/json' },
				body: '{"idempotencyKey":"abcdefgh\\u0000"}'
			})
		];
		for (const ev of cases) {
			let reached = false;
			const res = await refuseNul({
				event: { ...ev, route: { id: null }, isDataRequest: false } as never,
				resolve: async () => {
					reached = true;
					return new Response('ok');
				}
			});
			expect(res.status).toBe(400);
			expect(reached).toBe(false);
		}
	});
	it('a NUL in a text field of a multipart form post (superforms with JavaScript on) is refused with a reason, and nothing is saved', async () => {
		const users = (await import('../../src/lib/server/db/schema')).users;
		const count = async () => (await tdb.db.select({ id: users.id }).from(users)).length;
		const form = (displayName: string) => {
			const body = new FormData();
			body.set('username', `nurse-${uniqueKey().slice(0, 12)}`);
			body.set('displayName', displayName);
			body.set('role', 'admin');
			body.set('password', 'correct horse battery staple 2026');
			body.set('idempotencyKey', uniqueKey('user'));
			return body;
		};
		const post = (body: FormData) => {
			const ev = event({
				method: 'POST',
				url: '/admin/users/new?/create',
				headers: { 'x-sveltekit-action': 'true', 'accept-language': 'en' },
				body,
				principal: admin
			});
			return { ...ev, route: { id: '/admin/users/new' }, isDataRequest: false } as never;
		};
		// The real action behind the door: it would store the user, or fail in the database on the NUL.
		let reached = 0;
		const resolve = async (ev: unknown) => {
			reached++;
			try {
				await newUserActions.create!(ev as never);
			} catch (e) {
				if (!isRedirect(e)) throw e;
			}
			return new Response('created');
		};
		const before = await count();
		const res = await refuseNul({ event: post(form('王\u0000护士')), resolve });
		expect(res.status).toBe(400);
		const answer = (await res.json()) as { type: string; error: { message: string } };
		// The form shows this as its error: SvelteKit's action result, with the reason in words.
		expect(answer.type).toBe('error');
		expect(answer.error.message).toMatch(/NUL/);
		expect(reached).toBe(0);
		expect(await count()).toBe(before);
		// The same form without the NUL passes the door and is saved: the NUL is what was refused.
		const ok = await refuseNul({ event: post(form('王护士')), resolve });
		expect(await ok.text()).toBe('created');
		expect(await count()).toBe(before + 1);
	});
});
