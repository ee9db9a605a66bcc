import { afterAll, describe, expect, it } from 'vitest';
import { GET } from '../../src/routes/healthz/+server';
import { createTestDatabase } from './helpers/database';

type Handler = (event: unknown) => Promise<Response>;

describe('/healthz', () => {
	let destroyed = false;
	const ready = createTestDatabase();
	afterAll(async () => {
		if (!destroyed) await (await ready).destroy();
	});

	it('answers 200 after a database round trip', async () => {
		await ready;
		const res = await (GET as Handler)({});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ status: 'ok', database: 'up' });
		expect(res.headers.get('cache-control')).toBe('no-store');
	});

	it('answers 503 when the database is down', async () => {
		const db = await ready;
		await db.destroy();
		destroyed = true;
		const res = await (GET as Handler)({});
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ status: 'unavailable', database: 'down' });
	});
});
