import { count, eq } from 'drizzle-orm';
import type { Db } from '../client';
import * as t from '../schema';
import { seedDemo, type DemoLogin, type SeedSummary } from './demo';

export { seedDemo, DEMO_ACCOUNTS, type DemoLogin } from './demo';
export { seedSynthetic } from './synthetic';

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
	const { DEMO_ACCOUNTS } = await import('./demo');
	const [resident] = await db
		.select({ phone: t.residents.phone })
		.from(t.users)
		.innerJoin(t.residents, eq(t.users.residentId, t.residents.id))
		.where(eq(t.users.role, 'resident'))
		.limit(1);
	return [
		...DEMO_ACCOUNTS.map((a) => ({
			role: a.role,
			username: a.username,
			password: a.password,
			note: a.sites.length ? a.sites.join(', ') : 'all sites'
		})),
		...(resident ? [{ role: 'resident' as const, phone: resident.phone, note: 'JZ-C01' }] : [])
	];
}

export function formatLogins(origin: string, logins: DemoLogin[]): string {
	const lines = logins.map((l) =>
		l.username
			? `  ${l.role.padEnd(10)} ${l.username.padEnd(10)} / ${l.password}   (${l.note})`
			: `  ${l.role.padEnd(10)} phone ${l.phone}   (access codes: see README)`
	);
	return [
		'',
		`  Isolation Care is running at ${origin}`,
		'  Demo logins (demo data only; never use these for real residents):',
		...lines,
		''
	].join('\n');
}
