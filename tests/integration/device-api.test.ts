/**
 * The device API through its real route handlers, on a real database: tokens, the stays a token sees,
 * and readings with every answer the API documents (201, 200 replay, 401, 404, 409, 422).
 */
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/lib/domain/access';
import { idCheckChar } from '../../src/lib/domain/id-number';
import * as t from '../../src/lib/server/db/schema';
import {
	authenticateDevice,
	createDeviceToken,
	hashDeviceToken,
	revokeDeviceToken
} from '../../src/lib/server/devices/tokens';
import { GET as openapi } from '../../src/routes/api/v1/openapi.json/+server';
import { POST as postReading } from '../../src/routes/api/v1/readings/+server';
import { GET as getStays } from '../../src/routes/api/v1/stays/+server';
import { createTestDatabase, engine, type TestDatabase } from './helpers/database';
import { makeGround, makeResident, makeRoom, makeStay, uniqueKey } from './helpers/factories';

type Handler = (event: unknown) => Promise<Response>;

let tdb: TestDatabase;
let admin: Principal;
let token: string;
let tokenId: string;
let inScope: Awaited<ReturnType<typeof makeGround>>;
let outOfScope: Awaited<ReturnType<typeof makeGround>>;
/** Active stays in scope: an adult, a child, a pregnant resident; one out of scope; one ended. */
const stays = { adult: '', child: '', pregnant: '', other: '', ended: '' };
let adultIdNumber = '';
let otherIdNumber = '';

/** An ID number whose check character is X, to look it up as a device may type it (lower case). */
function idNumberEndingInX(): string {
	for (let n = 100; n < 999; n++) {
		const first17 = `41080219850315${n}`;
		if (idCheckChar(first17) === 'X') return `${first17}X`;
	}
	throw new Error('no X check character found');
}

/** An instant a little while ago, written as a device in Shanghai writes it. */
const takenAgo = (minutes: number) =>
	DateTime.now()
		.setZone('Asia/Shanghai')
		.minus({ minutes })
		.toISO({ suppressMilliseconds: true, includeOffset: true })!;

function event(opts: {
	method?: string;
	path: string;
	auth?: string | null;
	body?: string;
	principal?: Principal;
}) {
	const headers = new Headers({ 'content-type': 'application/json' });
	if (opts.auth !== null) headers.set('authorization', opts.auth ?? `Bearer ${token}`);
	const url = new URL(`http://localhost${opts.path}`);
	return {
		request: new Request(url, { method: opts.method ?? 'GET', headers, body: opts.body }),
		url,
		params: {},
		locals: { principal: opts.principal ?? null, user: null, session: null },
		getClientAddress: () => '10.0.0.7'
	};
}

async function send(body: unknown, auth?: string | null) {
	const res = await (postReading as Handler)(
		event({
			method: 'POST',
			path: '/api/v1/readings',
			auth,
			body: typeof body === 'string' ? body : JSON.stringify(body)
		})
	);
	return { status: res.status, body: await res.json(), headers: res.headers };
}

async function listStays(auth?: string | null, principal?: Principal) {
	const res = await (getStays as Handler)(event({ path: '/api/v1/stays', auth, principal }));
	return { status: res.status, body: await res.json(), text: '' };
}

const reading = (over: Record<string, unknown> = {}) => ({
	stayId: stays.adult,
	takenAt: takenAgo(30),
	source: 'device',
	temperature: 36.8,
	idempotencyKey: uniqueKey('dev'),
	...over
});

beforeAll(async () => {
	tdb = await createTestDatabase();
	const db = tdb.db;
	const [user] = await db
		.insert(t.users)
		.values({ username: `admin-${uniqueKey()}`, displayName: '管理员', role: 'admin' })
		.returning();
	admin = { userId: user!.id, role: 'admin', siteIds: [], residentId: null, readOnly: false };
	inScope = await makeGround(db);
	outOfScope = await makeGround(db);
	const place = async (
		g: Awaited<ReturnType<typeof makeGround>>,
		over: Partial<typeof t.residents.$inferInsert>,
		status: 'active' | 'released' = 'active'
	) => {
		const room = await makeRoom(db, g.site.id, {
			building: 'A',
			floor: 3,
			number: `3${uniqueKey().slice(-4)}`
		});
		const r = await makeResident(db, g.community.id, over);
		const s = await makeStay(
			db,
			{
				residentId: r.id,
				siteId: g.site.id,
				homeCommunityId: g.community.id,
				planId: g.plan.id,
				roomId: room.id
			},
			status === 'active' ? {} : { status, outcomeAt: new Date() }
		);
		return { resident: r, stay: s, room };
	};
	const adult = await place(inScope, {
		birthDate: '1985-03-15',
		idNumber: idNumberEndingInX(),
		idLast4: 'xxxX'
	});
	stays.adult = adult.stay.id;
	adultIdNumber = adult.resident.idNumber;
	stays.child = (await place(inScope, { birthDate: '2016-01-01' })).stay.id;
	stays.pregnant = (await place(inScope, { birthDate: '1994-06-01', pregnant: true, sex: 'female' })).stay.id;
	stays.ended = (await place(inScope, { birthDate: '1970-01-01' }, 'released')).stay.id;
	const other = await place(outOfScope, { birthDate: '1980-01-01' });
	stays.other = other.stay.id;
	otherIdNumber = other.resident.idNumber;

	const made = await createDeviceToken(
		admin,
		{ name: '3 层体温计', siteIds: [inScope.site.id], idempotencyKey: uniqueKey('tok') },
		'127.0.0.1'
	);
	if (!made.ok) throw new Error(made.error);
	token = made.value.token;
	tokenId = made.value.id;
});

afterAll(async () => {
	await tdb?.destroy();
});

describe('device tokens', () => {
	it('are shown once with a recognisable prefix and stored only as a SHA-256 hash; creation is audited', async () => {
		expect(token).toMatch(/^icd_[a-z2-7]{32}$/);
		const [row] = await tdb.db.select().from(t.deviceTokens).where(eq(t.deviceTokens.id, tokenId));
		expect(row!.tokenHash).toBe(hashDeviceToken(token));
		expect(row!.tokenHash).not.toContain(token.slice(4));
		expect(row!.tokenPrefix).toBe(token.slice(0, 8));
		const [created] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'device_token'), eq(t.auditLog.entityId, tokenId)));
		expect(created).toMatchObject({ action: 'create', actorId: admin.userId });
		expect(JSON.stringify(created)).not.toContain(token);
	});

	it('a double-submitted create makes one token, and the admin leaves with one that works', async () => {
		const key = uniqueKey('tok');
		const input = { name: '外呼机器人', siteIds: [outOfScope.community.id], idempotencyKey: key };
		const first = await createDeviceToken(admin, input, null);
		const second = await createDeviceToken(admin, input, null);
		expect(first.ok && second.ok).toBe(true);
		if (!first.ok || !second.ok) return;
		expect(second.value.id).toBe(first.value.id);
		expect((await authenticateDevice(second.value.token)).ok).toBe(true);
		expect(await authenticateDevice(first.value.token)).toEqual({ ok: false, reason: 'unknown' });
		const rows = await tdb.db.select().from(t.deviceTokens).where(eq(t.deviceTokens.idempotencyKey, key));
		expect(rows).toHaveLength(1);
	});

	it('refuses an unknown site', async () => {
		const result = await createDeviceToken(
			admin,
			{ name: 'x', siteIds: ['00000000-0000-4000-8000-000000000000'], idempotencyKey: uniqueKey('tok') },
			null
		);
		expect(result).toMatchObject({ ok: false, error: 'unknown_site', field: 'siteIds' });
	});

	it('a revoked token answers 401 at once, saying it was revoked; revoking is audited', async () => {
		const made = await createDeviceToken(
			admin,
			{ name: '旧设备', siteIds: [inScope.site.id], idempotencyKey: uniqueKey('tok') },
			null
		);
		if (!made.ok) throw new Error(made.error);
		expect((await listStays(`Bearer ${made.value.token}`)).status).toBe(200);
		expect(await revokeDeviceToken(admin, made.value.id, '127.0.0.1')).toMatchObject({ ok: true });
		const stays = await listStays(`Bearer ${made.value.token}`);
		expect(stays.status).toBe(401);
		expect(stays.body).toMatchObject({ reason: 'revoked_token' });
		const post = await send(reading(), `Bearer ${made.value.token}`);
		expect(post.status).toBe(401);
		const [row] = await tdb.db.select().from(t.deviceTokens).where(eq(t.deviceTokens.id, made.value.id));
		expect(row).toMatchObject({ revokedBy: admin.userId });
		const audits = await tdb.db
			.select({ action: t.auditLog.action })
			.from(t.auditLog)
			.where(eq(t.auditLog.entityId, made.value.id));
		expect(audits.map((a) => a.action).sort()).toEqual(['create', 'revoke']);
	});
});

describe('authentication', () => {
	it('answers 401 JSON with a reason for a missing, malformed or wrong token', async () => {
		const missing = await send(reading(), null);
		expect(missing.status).toBe(401);
		expect(missing.body).toMatchObject({ reason: 'missing_token' });
		expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
		expect((await send(reading(), `Basic ${btoa('admin:demo')}`)).body).toMatchObject({
			reason: 'malformed_token'
		});
		const wrong = await send(reading(), `Bearer icd_${'a'.repeat(32)}`);
		expect(wrong.status).toBe(401);
		expect(wrong.body).toMatchObject({ reason: 'unknown_token' });
		// A different last character (never the same one), so the token is always wrong.
		const altered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		expect((await listStays(`Bearer ${altered}`)).status).toBe(401);
	});

	it('a signed-in admin without a token gets nothing: the API takes device tokens only', async () => {
		const res = await listStays(null, admin);
		expect(res.status).toBe(401);
		expect(res.body).toMatchObject({ reason: 'missing_token' });
	});

	it('notes when the token was last used', async () => {
		await listStays();
		const [row] = await tdb.db.select().from(t.deviceTokens).where(eq(t.deviceTokens.id, tokenId));
		expect(row!.lastUsedAt).toBeInstanceOf(Date);
		expect(Date.now() - row!.lastUsedAt!.getTime()).toBeLessThan(60_000);
	});
});

describe('GET /api/v1/stays', () => {
	it('lists the active stays of the token’s sites only, with plan position and NEWS2 applicability', async () => {
		const res = await listStays();
		expect(res.status).toBe(200);
		const byId = new Map((res.body as { stayId: string }[]).map((s) => [s.stayId, s]));
		expect([...byId.keys()].sort()).toEqual([stays.adult, stays.child, stays.pregnant].sort());
		expect(byId.get(stays.adult)).toEqual({
			stayId: stays.adult,
			site: inScope.site.code,
			room: expect.stringMatching(/^A-3/),
			phase: 'centralised',
			day: 1,
			news2Applicable: true
		});
		expect(byId.get(stays.child)).toMatchObject({ news2Applicable: false });
		expect(byId.get(stays.pregnant)).toMatchObject({ news2Applicable: false });
	});

	it('carries no names, ID numbers or phones', async () => {
		const text = JSON.stringify((await listStays()).body);
		const residents = await tdb.db.select().from(t.residents);
		for (const r of residents) {
			expect(text).not.toContain(r.name);
			expect(text).not.toContain(r.idNumber);
			expect(text).not.toContain(r.idNumber.slice(-4));
			expect(text).not.toContain(r.phone);
		}
	});
});

describe('POST /api/v1/readings', () => {
	it('records a complete set: 201 with the reading, its NEWS2 and no alerts; the device is the audited actor', async () => {
		const body = reading({
			temperature: 36.84,
			spo2: 97,
			pulse: 80,
			respRate: 16,
			systolicBP: 124,
			diastolicBP: 78,
			consciousness: 'A'
		});
		const res = await send(body);
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			reading: {
				stayId: stays.adult,
				source: 'device',
				temperature: 36.8,
				systolicBP: 124,
				diastolicBP: 78,
				spo2Scale: 1,
				onOxygen: false,
				symptoms: [],
				idempotencyKey: body.idempotencyKey
			},
			news2: { total: 0, anySingle3: false, risk: 'low' },
			alerts: []
		});
		const id = res.body.reading.id as string;
		const [row] = await tdb.db.select().from(t.readings).where(eq(t.readings.id, id));
		expect(row).toMatchObject({ recordedBy: null, source: 'device', systolicBp: 124 });
		const [logged] = await tdb.db
			.select()
			.from(t.auditLog)
			.where(and(eq(t.auditLog.entity, 'reading'), eq(t.auditLog.entityId, id)));
		expect(logged).toMatchObject({ action: 'record', actorId: tokenId, actorRole: null, ip: '10.0.0.7' });
	});

	it('lists the alerts a reading raised; NEWS2 is null for an incomplete set and for a child', async () => {
		const fever = await send(reading({ temperature: 39.4, symptoms: ['dry_cough'] }));
		expect(fever.status).toBe(201);
		expect(fever.body.news2).toBeNull();
		expect(fever.body.alerts).toEqual(
			expect.arrayContaining([
				{ kind: 'fever', severity: 'critical', status: 'open' },
				{ kind: 'symptom', severity: 'warning', status: 'open' }
			])
		);
		const child = await send(
			reading({
				stayId: stays.child,
				spo2: 97,
				pulse: 80,
				respRate: 16,
				systolicBP: 110,
				consciousness: 'A'
			})
		);
		expect(child.status).toBe(201);
		expect(child.body.news2).toBeNull();
	});

	it('a replayed key answers 200 with the first body, even after its alert was acknowledged', async () => {
		const body = reading({ stayId: stays.pregnant, temperature: 37.6 });
		const first = await send(body);
		expect(first.status).toBe(201);
		expect(first.body.alerts).toEqual([{ kind: 'fever', severity: 'warning', status: 'open' }]);
		await tdb.db
			.update(t.alerts)
			.set({ status: 'acknowledged', acknowledgedAt: new Date() })
			.where(eq(t.alerts.stayId, stays.pregnant));
		const again = await send(body);
		expect(again.status).toBe(200);
		expect(again.body).toEqual(first.body);
		const rows = await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stays.pregnant));
		expect(rows).toHaveLength(1);
	});

	it('the same key with a different body answers 409 and records nothing', async () => {
		const body = reading({ temperature: 36.5 });
		expect((await send(body)).status).toBe(201);
		const conflict = await send({ ...body, temperature: 36.6 });
		expect(conflict.status).toBe(409);
		expect(conflict.body.message).toMatch(/idempotencyKey/);
		const rows = await tdb.db.select().from(t.readings).where(eq(t.readings.temperature, 36.6));
		expect(rows).toHaveLength(0);
	});

	it('one key sent twice at the same moment records once', async () => {
		const body = reading({ temperature: 36.7, pulse: 71 });
		const [a, b] = await Promise.all([send(body), send(body)]);
		expect([a.status, b.status].sort()).toEqual([200, 201]);
		expect(a.body).toEqual(b.body);
		const rows = await tdb.db.select().from(t.readings).where(eq(t.readings.pulse, 71));
		expect(rows).toHaveLength(1);
	});

	it('finds the active stay by the resident’s ID number, a final x in either case', async () => {
		const res = await send(reading({ stayId: undefined, idNumber: adultIdNumber.toLowerCase() }));
		expect(res.status).toBe(201);
		expect(res.body.reading.stayId).toBe(stays.adult);
		expect(JSON.stringify(res.body)).not.toContain(adultIdNumber);
	});

	it('answers 404 for an unknown stay, a stay out of scope (by id or ID number) and an ended stay', async () => {
		for (const body of [
			reading({ stayId: '00000000-0000-4000-8000-000000000000' }),
			reading({ stayId: stays.other }),
			reading({ stayId: undefined, idNumber: otherIdNumber }),
			reading({ stayId: stays.ended })
		]) {
			const res = await send(body);
			expect(res.status, JSON.stringify(body)).toBe(404);
			expect(typeof res.body.message).toBe('string');
		}
		const other = await tdb.db.select().from(t.readings).where(eq(t.readings.stayId, stays.other));
		expect(other).toHaveLength(0);
	});

	it('answers 422 naming the field for a time without an offset', async () => {
		const res = await send(reading({ takenAt: '2026-11-24T08:30:00' }));
		expect(res.status).toBe(422);
		expect(res.body.errors.takenAt[0]).toMatch(/offset/);
	});

	it('answers 422 naming the field and the range for a value out of range', async () => {
		const res = await send(reading({ temperature: 45.1, spo2: 39, systolicBP: 301 }));
		expect(res.status).toBe(422);
		expect(res.body.errors).toEqual({
			temperature: ['temperature must be between 30.0 and 45.0 °C'],
			spo2: ['spo2 must be between 40 and 100'],
			systolicBP: ['systolicBP must be between 40 and 300']
		});
	});

	it('answers 422 for a body that is not JSON, not an object, or of the wrong types', async () => {
		const notJson = await send('{"stayId": ');
		expect(notJson.status).toBe(422);
		expect(notJson.body.errors.body).toHaveLength(1);
		for (const body of ['null', '[]', '42', '"reading"']) expect((await send(body)).status).toBe(422);
		const types = await send(reading({ temperature: '37.2', symptoms: 'fever', onOxygen: 'no' }));
		expect(types.status).toBe(422);
		expect(Object.keys(types.body.errors).sort()).toEqual(['onOxygen', 'symptoms', 'temperature']);
	});

	it('answers 422 for both or neither of stayId and idNumber, an empty reading, a misspelt field or a time out of reach', async () => {
		const both = await send(reading({ idNumber: adultIdNumber }));
		expect(both.status).toBe(422);
		expect(both.body.errors.stayId[0]).toMatch(/stayId or idNumber/);
		expect((await send(reading({ stayId: undefined }))).status).toBe(422);
		const empty = await send(reading({ temperature: undefined }));
		expect(empty.status).toBe(422);
		expect(empty.body.errors.temperature[0]).toMatch(/at least one value/);
		const misspelt = await send(reading({ systolicBp: 120 }));
		expect(misspelt.status).toBe(422);
		expect(misspelt.body.errors.body[0]).toMatch(/systolicBp/);
		const future = await send(reading({ takenAt: takenAgo(-60) }));
		expect(future.status).toBe(422);
		expect(future.body.errors.takenAt).toEqual(['takenAt is in the future']);
		const ancient = await send(reading({ takenAt: '2000-01-01T08:00:00+08:00' }));
		expect(ancient.body.errors.takenAt).toEqual(['takenAt is more than 30 days ago']);
	});

	it('never answers 500, whatever the body', async () => {
		const odd: unknown[] = [
			'',
			'{}',
			{ stayId: 5 },
			{
				stayId: 'not-a-uuid',
				takenAt: takenAgo(1),
				source: 'device',
				temperature: 37,
				idempotencyKey: 'abcdefgh'
			},
			reading({ temperature: 1e308 }),
			reading({ pulse: 80.5 }),
			reading({ takenAt: '0001-01-01T00:00:00+14:00' }),
			reading({ idempotencyKey: 'short' }),
			reading({ idempotencyKey: 'k'.repeat(500) }),
			reading({ source: 'robot' }),
			reading({ consciousness: 'Z' }),
			reading({
				symptoms: ['fever', 'fever', 'fever', 'fever', 'fever', 'fever', 'fever', 'fever', 'fever', 'fever']
			}),
			reading({ spo2Scale: 3 }),
			reading({ stayId: undefined, idNumber: ' '.repeat(3) }),
			reading({ stayId: undefined, idNumber: "' or 1=1 --" }),
			{ __proto__: { stayId: stays.adult } }
		];
		for (const body of odd) {
			const res = await send(body);
			expect(res.status, JSON.stringify(body)).toBeLessThan(500);
			expect([201, 404, 422], JSON.stringify(body)).toContain(res.status);
		}
	});
});

describe('GET /api/v1/openapi.json', () => {
	it('describes both endpoints, bearer auth and every answer', async () => {
		const res = await (openapi as Handler)(event({ path: '/api/v1/openapi.json', auth: null }));
		expect(res.status).toBe(200);
		const doc = await res.json();
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.components.securitySchemes.deviceToken).toMatchObject({ type: 'http', scheme: 'bearer' });
		expect(Object.keys(doc.paths['/stays'].get.responses).sort()).toEqual(['200', '401']);
		const post = doc.paths['/readings'].post;
		expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '401', '404', '409', '413', '422']);
		const body = post.requestBody.content['application/json'].schema;
		expect(body.required.sort()).toEqual(['idempotencyKey', 'source', 'takenAt']);
		expect(body.properties.temperature.anyOf[0]).toMatchObject({ minimum: 30, maximum: 45 });
		expect(body.properties).toHaveProperty('systolicBP');
		expect(body.additionalProperties).toBe(false);
	});
});

if (engine === 'postgres') {
	describe('on PostgreSQL', () => {
		it('ten devices racing with one key each record ten readings, each once', async () => {
			const bodies = Array.from({ length: 10 }, (_, i) =>
				reading({ temperature: 36 + i / 10, respRate: 11 })
			);
			const answers = await Promise.all(bodies.flatMap((b) => [send(b), send(b)]));
			expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
			expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
			const rows = await tdb.db.select().from(t.readings).where(eq(t.readings.respRate, 11));
			expect(rows).toHaveLength(10);
		});
	});
}
