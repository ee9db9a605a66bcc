/**
 * Database commands for developers and operators:
 *   npm run db:migrate                      apply the migrations in drizzle/
 *   npm run seed                            seed the demo into an empty database
 *   npm run seed -- --residents N [--released M] [--seed S] [--days D]   add a synthetic city (deterministic)
 *   npm run seed -- --city [--scale S] [--seed S]   the benchmark's city: 20,000 active and 50,000 released stays
 * Uses DATABASE_URL when set, else the embedded database in PGLITE_DIR (the server must be stopped).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/server/config';
import { migrate, openDatabase } from '../src/lib/server/db';
import { CITY, seedIfEmpty, seedSynthetic } from '../src/lib/server/db/seed';

const [command, ...rest] = process.argv.slice(2);
const config = loadConfig(process.env);

async function main() {
	const database = await openDatabase({
		databaseUrl: config.DATABASE_URL,
		pgliteDir: config.PGLITE_DIR,
		poolMax: 4
	});
	try {
		await migrate(database, config.MIGRATIONS_DIR);
		if (command === 'migrate') {
			console.log(`Migrations applied (${database.kind}).`);
			return;
		}
		if (command === 'seed') {
			const { values } = parseArgs({
				args: rest,
				options: {
					residents: { type: 'string' },
					released: { type: 'string', default: '0' },
					city: { type: 'boolean', default: false },
					scale: { type: 'string', default: '1' },
					seed: { type: 'string', default: '1' },
					days: { type: 'string', default: '7' }
				}
			});
			if (values.residents === undefined && !values.city) {
				const made = await seedIfEmpty(database.db);
				console.log(
					made
						? `Demo seeded: ${made.residents} residents, ${made.readings} readings.`
						: 'The database already has data; the demo was not seeded again.'
				);
				return;
			}
			const scale = Number(values.scale);
			if (!(scale > 0) || scale > 100) throw new Error('--scale takes a number above 0, at most 100');
			const residents = values.city ? Math.round(CITY.active * scale) : Number(values.residents);
			const released = values.city ? Math.round(CITY.released * scale) : Number(values.released);
			const seed = Number(values.seed);
			const days = values.city ? CITY.days : Number(values.days);
			if (!Number.isInteger(residents) || residents < 1)
				throw new Error('--residents takes a whole number ≥ 1');
			if (!Number.isInteger(released) || released < 0) throw new Error('--released takes a whole number ≥ 0');
			if (!Number.isInteger(seed)) throw new Error('--seed takes a whole number');
			if (!Number.isInteger(days) || days < 1 || days > 60)
				throw new Error('--days takes a whole number 1–60');
			const started = Date.now();
			const made = await seedSynthetic(database.db, { residents, released, seed, days });
			console.log(
				`Synthetic data (seed ${seed}): ${made.sites} sites, ${made.rooms} rooms, ${made.activeStays} active ` +
					`and ${made.releasedStays} released stays, ${made.readings} readings, ${made.alerts} alerts, ` +
					`${made.calls} calls, ${made.deliveries} deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s.`
			);
			return;
		}
		throw new Error(`Unknown command "${command ?? ''}": use migrate or seed`);
	} finally {
		await database.close();
	}
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
