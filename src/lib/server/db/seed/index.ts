import { count, eq } from 'drizzle-orm';
import type { Db } from '../client';
import * as t from '../schema';
import {
	DEMO_ACCOUNTS,
	DEMO_ADMIN_TOTP_SECRET,
	seedDemo,
	type DemoDevice,
	type DemoLogin,
	type SeedSummary
} from './demo';

export { seedDemo, DEMO_ACCOUNTS, DEMO_DEVICE, type DemoDevice, type DemoLogin } from './demo';
export { CITY, seedSynthetic, type SyntheticSummary } from './synthetic';

/**
 * Seeds the demo into an empty database (no users yet) and returns what it made; returns null when the
 * database already has data, so a restart never seeds twice.
 */
export async function seedIfEmpty(db: Db, now = new Date()): Promise<SeedSummary | null> {
	const [row] = await db.select({ n: count() }).from(t.users);
	if ((row?.n ?? 0) > 0) return null;
	return seedDemo(db, now);
}

/** The demo logins, if this database holds the demo (for printing at every start). */
export async function demoLogins(db: Db): Promise<DemoLogin[] | null> {
	const [meta] = await db.select().from(t.appMeta).where(eq(t.appMeta.key, 'demo_seed'));
	if (!meta) return null;
	const [resident] = await db.select().from(t.appMeta).where(eq(t.appMeta.key, 'demo_resident'));
	const demo = resident?.value as { phone: string; code: string } | undefined;
	return [
		...DEMO_ACCOUNTS.map((a) => ({
			role: a.role,
			username: a.username,
			password: a.password,
			...(a.role === 'admin' ? { totpSecret: DEMO_ADMIN_TOTP_SECRET } : {}),
			note: a.sites.length ? a.sites.join(', ') : 'all sites'
		})),
		...(demo ? [{ role: 'resident' as const, phone: demo.phone, code: demo.code, note: 'JZ-C01' }] : [])
	];
}

/** The demo device's token, if this database holds the demo (printed with the logins). */
export async function demoDevice(db: Db): Promise<DemoDevice | null> {
	const [row] = await db.select().from(t.appMeta).where(eq(t.appMeta.key, 'demo_device'));
	return (row?.value as DemoDevice | undefined) ?? null;
}

export function formatLogins(origin: string, logins: DemoLogin[], device: DemoDevice | null = null): string {
	const lines = logins.flatMap((l) =>
		l.username
			? [
					`  ${l.role.padEnd(10)} ${l.username.padEnd(10)} / ${l.password}   (${l.note})`,
					...(l.totpSecret
						? [
								`             second factor: TOTP secret ${l.totpSecret} (any authenticator app; \`npm run demo:totp\` prints the current code)`
							]
						: [])
				]
			: [`  ${l.role.padEnd(10)} phone ${l.phone} / code ${l.code}   (${l.note})`]
	);
	return [
		'',
		`  Isolation Care is running at ${origin}`,
		'  Demo logins (demo data only; never use these for real residents):',
		...lines,
		...(device
			? [
					'  Demo device token (device API, see /api/v1/openapi.json):',
					`  device     ${device.token}   (${device.sites.join(', ')})`
				]
			: []),
		''
	].join('\n');
}
