/**
 * Before the browser tests: a fresh embedded database seeded with the demo (as on a first start), the
 * ids the tests need written to a fixture file, then the production build started on it. The browser
 * tests read the demo resident's phone and code from the fixture, as a person reads them off the console.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { and, eq, ne } from 'drizzle-orm';
import { hashPassword } from '../../src/lib/server/auth/password';
import { migrate, openDatabase } from '../../src/lib/server/db';
import * as t from '../../src/lib/server/db/schema';
import { seedDemo } from '../../src/lib/server/db/seed';
import { E2E, FIXTURE_PATH, type Fixture } from './env';

async function prepareDatabase(): Promise<Fixture> {
	rmSync(E2E.dataDir, { recursive: true, force: true });
	rmSync(`${E2E.dataDir}.lock`, { force: true });
	mkdirSync(E2E.dataDir, { recursive: true });
	const database = await openDatabase({ pgliteDir: E2E.dataDir });
	try {
		await migrate(database, './drizzle');
		const seeded = await seedDemo(database.db);
		const resident = seeded.logins.find((l) => l.role === 'resident')!;
		const db = database.db;
		const [demo] = await db.select().from(t.residents).where(eq(t.residents.phone, resident.phone!));
		const activeAt = async (code: string, notResident: string) => {
			const [row] = await db
				.select({ id: t.residents.id, name: t.residents.name, idNumber: t.residents.idNumber })
				.from(t.stays)
				.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
				.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
				.where(and(eq(t.sites.code, code), eq(t.stays.status, 'active'), ne(t.residents.id, notResident)))
				.limit(1);
			return row!;
		};
		// A throwaway account for the admin actions the authorization matrix performs.
		const [target] = await db
			.insert(t.users)
			.values({
				username: 'matrix-target',
				displayName: '测试目标',
				role: 'site_staff',
				passwordHash: await hashPassword('matrix target passphrase')
			})
			.returning();
		const [c01] = await db.select().from(t.sites).where(eq(t.sites.code, 'JZ-C01'));
		await db.insert(t.userSites).values({ userId: target!.id, siteId: c01!.id });
		const centralResident = await activeAt('JZ-C01', demo!.id);
		const homeResident = await activeAt('JZ-S01', demo!.id);
		const activeStay = async (residentId: string) =>
			(
				await db
					.select({ id: t.stays.id })
					.from(t.stays)
					.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')))
			)[0]!.id;
		const [s01] = await db.select().from(t.sites).where(eq(t.sites.code, 'JZ-S01'));
		return {
			resident: { phone: resident.phone!, code: resident.code!, id: demo!.id, name: demo!.name },
			centralResident,
			homeResident,
			targetUserId: target!.id,
			centralStayId: await activeStay(centralResident.id),
			homeStayId: await activeStay(homeResident.id),
			siteC01Id: c01!.id,
			communityS01Id: s01!.id,
			deviceToken: seeded.device.token
		};
	} finally {
		await database.close();
	}
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`The server did not answer ${url} within ${timeoutMs / 1000} s`);
}

export default async function globalSetup() {
	const fixture = await prepareDatabase();
	writeFileSync(FIXTURE_PATH, JSON.stringify(fixture, null, 2));
	const server = spawn(process.execPath, ['build/index.js'], {
		env: {
			...process.env,
			PORT: String(E2E.port),
			HOST: '127.0.0.1',
			ORIGIN: E2E.origin,
			PGLITE_DIR: E2E.dataDir,
			DATABASE_URL: '',
			LOG_LEVEL: 'warn',
			NODE_ENV: 'production'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await waitForHealth(`${E2E.origin}/healthz`, server);
	return async () => {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
	};
}
