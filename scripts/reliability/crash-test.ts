/**
 * `npm run test:crash`: acknowledged readings survive crashes, exactly once.
 *
 * In a throwaway PostgreSQL cluster of its own, the production server takes readings through the device
 * API, 20 at a time, each with its own idempotency key. Round 1 kills the server with SIGKILL part-way
 * and starts it again; round 2 stops PostgreSQL in `immediate` mode (no shutdown checkpoint, as a crash)
 * and starts it again under the running server. Every request that got no answer (or an error) is sent
 * again with the same key and body until it is answered. Then: every key answered 201 or 200 is stored
 * exactly once with the values sent, nothing else was stored, and the fever alerts counted exactly the
 * fever readings that were stored. Finally the server must refuse to start when PostgreSQL runs with
 * fsync, full_page_writes or synchronous_commit off.
 */
import postgres from 'postgres';
import {
	Checks,
	createCluster,
	createDatabase,
	demoDeviceToken,
	ensureBuild,
	freePort,
	sleep,
	startServer,
	tail,
	TOTP_ENCRYPTION_KEY,
	type Cluster,
	type Server
} from './harness';

const PER_ROUND = Number(process.env.CRASH_READINGS ?? 1000);
const CONCURRENCY = 20;
const FAIL_AFTER = Math.floor(PER_ROUND * 0.4);

interface Job {
	key: string;
	body: string;
	stayId: string;
	temperature: number;
	statuses: number[];
	answered: boolean;
}

const checks = new Checks();
let cluster: Cluster | null = null;
let server: Server | null = null;

function reading(i: number, round: number, stayId: string): Job {
	// About one in four is a fever; the alerts must count exactly those.
	const temperature = i % 4 === 0 ? 38.1 : 36.6;
	const takenAt = new Date(Date.now() - ((i * 7919) % 3_600_000)).toISOString();
	const key = `crash-r${round}-${String(i).padStart(5, '0')}-${crypto.randomUUID()}`;
	return {
		key,
		stayId,
		temperature,
		statuses: [],
		answered: false,
		body: JSON.stringify({ stayId, takenAt, source: 'device', temperature, idempotencyKey: key })
	};
}

/**
 * Sends every job with a pool of workers. `gate` holds the workers while the failure is being
 * injected and healed; a job without an answer goes back in the queue and is sent again, same body.
 */
async function sendAll(
	jobs: Job[],
	base: () => string,
	token: string,
	onAnswer: (answered: number) => void,
	gate: { wait: Promise<void> }
) {
	const queue = [...jobs];
	let answered = 0;
	let attempts = 0;
	const worker = async () => {
		for (;;) {
			await gate.wait;
			const job = queue.shift();
			if (!job) {
				// Others may still put a job back: stop only when every job has its answer.
				if (jobs.every((j) => j.answered)) return;
				await sleep(50);
				continue;
			}
			if (++attempts > jobs.length * 20) throw new Error('too many attempts: the server does not recover');
			// 0: no answer at all (connection refused or reset).
			let status = 0;
			try {
				const res = await fetch(`${base()}/api/v1/readings`, {
					method: 'POST',
					headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
					body: job.body,
					signal: AbortSignal.timeout(20_000)
				});
				status = res.status;
				await res.arrayBuffer();
			} catch {
				// status stays 0
			}
			job.statuses.push(status);
			if (status === 201 || status === 200) {
				job.answered = true;
				onAnswer(++answered);
			} else {
				queue.push(job);
				await sleep(100);
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function feverCounts(sql: postgres.Sql, stayIds: string[]) {
	const rows = await sql<{ stay_id: string; n: string }[]>`
		select stay_id, coalesce(sum(trigger_count), 0)::text as n from alerts
		where kind = 'fever' and stay_id = any(${stayIds}) group by stay_id`;
	return new Map(rows.map((r) => [r.stay_id, Number(r.n)]));
}

async function main() {
	const started = Date.now();
	ensureBuild();
	cluster = await createCluster('crash');
	const url = await createDatabase(cluster, 'crash');
	const port = await freePort();
	const env = {
		DATABASE_URL: url,
		TOTP_ENCRYPTION_KEY,
		PORT: String(port),
		DEMO_SEED: 'on',
		SCHEDULER: 'off'
	};
	server = await startServer(env);
	const base = () => `http://127.0.0.1:${port}`;
	const token = await demoDeviceToken(url);
	const stays = (await (
		await fetch(`${base()}/api/v1/stays`, { headers: { authorization: `Bearer ${token}` } })
	).json()) as { stayId: string }[];
	checks.ok(stays.length >= 5, `the device sees ${stays.length} active stays`);
	const stayIds = stays.map((s) => s.stayId);
	const sql = postgres(url, { max: 2, onnotice: () => {} });
	const feverBefore = await feverCounts(sql, stayIds);
	const all: Job[] = [];

	// Round 1: the server dies mid-stream (SIGKILL: no graceful shutdown, requests cut off).
	{
		const jobs = Array.from({ length: PER_ROUND }, (_, i) => reading(i, 1, stayIds[i % stayIds.length]!));
		all.push(...jobs);
		const gate = { wait: Promise.resolve() };
		let crashed = false;
		await sendAll(
			jobs,
			base,
			token,
			(n) => {
				if (n !== FAIL_AFTER || crashed) return;
				crashed = true;
				server!.proc.kill('SIGKILL');
				let open!: () => void;
				gate.wait = new Promise((r) => (open = r));
				void (async () => {
					await server!.exited;
					await sleep(300); // let the workers in flight see their connections die
					server = await startServer({ ...env, DEMO_SEED: 'off' });
					open();
				})();
			},
			gate
		);
		checks.ok(crashed, 'round 1: the server was killed with SIGKILL part-way and restarted');
		const cut = jobs.filter((j) => j.statuses.length > 1).length;
		console.log(`# round 1: ${cut} requests got no answer and were sent again`);
		checks.ok(cut > 0, 'round 1: some requests were cut off by the crash and resent');
	}

	// Round 2: PostgreSQL stops in immediate mode under the running server, then comes back.
	{
		const jobs = Array.from({ length: PER_ROUND }, (_, i) => reading(i, 2, stayIds[i % stayIds.length]!));
		all.push(...jobs);
		const gate = { wait: Promise.resolve() };
		let stopped = false;
		let diedWithDatabase = false;
		await sendAll(
			jobs,
			base,
			token,
			(n) => {
				if (n !== FAIL_AFTER || stopped) return;
				stopped = true;
				cluster!.stop('immediate');
				let open!: () => void;
				gate.wait = new Promise((r) => (open = r));
				void (async () => {
					await sleep(1000); // requests keep failing against the stopped database meanwhile
					await cluster!.start();
					// postgres.js 3.4.9 can throw from a timer when its socket closes under a pending
					// write (porsager/postgres#1208), which ends the process; a supervisor restarts it.
					if (server!.proc.exitCode !== null || server!.proc.signalCode !== null) {
						diedWithDatabase = true;
						server = await startServer({ ...env, DEMO_SEED: 'off' });
					}
					open();
				})();
			},
			gate
		);
		checks.ok(stopped, 'round 2: PostgreSQL was stopped in immediate mode part-way and restarted');
		const cut = jobs.filter((j) => j.statuses.length > 1).length;
		console.log(`# round 2: ${cut} requests got no answer or an error and were sent again`);
		checks.ok(cut > 0, 'round 2: some requests failed while the database was down and were resent');
		if (diedWithDatabase)
			console.log(
				'# round 2: the server process ended with the database and was restarted, as a supervisor would'
			);
	}

	// Every answered key exists exactly once, with what was sent; nothing else was stored.
	await sql.end();
	const check = postgres(url, { max: 2, onnotice: () => {} });
	try {
		const stored = await check<
			{ idempotency_key: string; stay_id: string; temperature: string; n: string }[]
		>`
			select split_part(idempotency_key, ':', 3) as idempotency_key, stay_id::text, temperature::text,
			       count(*) over (partition by split_part(idempotency_key, ':', 3))::text as n
			from readings where idempotency_key like 'device:%:crash-%'`;
		const byKey = new Map(stored.map((r) => [r.idempotency_key, r]));
		const answered = all.filter((j) => j.answered);
		checks.ok(
			answered.length === all.length,
			`all ${all.length} readings were answered 201 or 200 in the end`
		);
		const missing = answered.filter((j) => !byKey.has(j.key));
		checks.ok(
			missing.length === 0,
			'no acknowledged reading was lost',
			missing.slice(0, 3).map((j) => j.key)
		);
		const dup = stored.filter((r) => Number(r.n) !== 1);
		checks.ok(dup.length === 0, 'no reading was stored twice', dup.slice(0, 3));
		checks.ok(stored.length === all.length, `exactly ${all.length} readings stored (found ${stored.length})`);
		const wrong = answered.filter((j) => {
			const r = byKey.get(j.key);
			return r && (r.stay_id !== j.stayId || Number(r.temperature) !== j.temperature);
		});
		checks.ok(wrong.length === 0, 'every stored reading holds the values that were sent', wrong.length);
		const resent = all.filter((j) => j.statuses.length > 1);
		checks.ok(
			resent.every((j) => byKey.has(j.key)),
			`every one of the ${resent.length} resent readings is stored exactly once`
		);
		const replayed = all.filter((j) => j.statuses.at(-1) === 200).length;
		console.log(
			`# ${replayed} resent readings had been committed before the failure and were answered 200 (replay)`
		);

		// The alerts match the readings: each stored fever reading raised or updated its stay's fever alert once.
		const feverAfter = await feverCounts(check, stayIds);
		const expected = new Map<string, number>();
		for (const j of all) if (j.temperature >= 37.3) expected.set(j.stayId, (expected.get(j.stayId) ?? 0) + 1);
		const mismatched = stayIds.filter(
			(id) => (feverAfter.get(id) ?? 0) - (feverBefore.get(id) ?? 0) !== (expected.get(id) ?? 0)
		);
		checks.ok(
			mismatched.length === 0,
			'the fever alerts counted exactly the fever readings stored',
			mismatched
		);
		const orphans = await check`
			select count(*)::int as n from alerts a where a.reading_id is not null
			and not exists (select 1 from readings r where r.id = a.reading_id)`;
		checks.ok(orphans[0]!.n === 0, 'no alert points at a reading that was not stored');
	} finally {
		await check.end();
	}
	await server!.kill();
	server = null;

	// The server refuses an unsafe database, naming the setting.
	const admin = postgres(cluster.url('crash'), { max: 1, onnotice: () => {} });
	try {
		for (const [setting, on, off] of [
			['fsync', `alter system set fsync = off`, `alter system reset fsync`],
			['full_page_writes', `alter system set full_page_writes = off`, `alter system reset full_page_writes`],
			[
				'synchronous_commit',
				`alter database crash set synchronous_commit = off`,
				`alter database crash reset synchronous_commit`
			]
		] as const) {
			await admin.unsafe(on);
			await admin`select pg_reload_conf()`;
			await sleep(300);
			const s = await startServer(
				{ ...env, DEMO_SEED: 'off', PORT: String(await freePort()) },
				{ wait: false }
			);
			const code = await Promise.race([s.exited, sleep(60_000).then(() => 'running' as const)]);
			if (code === 'running') await s.kill('SIGKILL');
			checks.ok(
				code !== 'running' && code !== 0 && s.output().includes(`${setting} = off`),
				`the server refuses to start with ${setting} off, and says so`,
				tail(s.output(), 5)
			);
			await admin.unsafe(off);
			await admin`select pg_reload_conf()`;
			await sleep(300);
		}
	} finally {
		await admin.end();
	}

	// Without the key for second-factor secrets, a production server on PostgreSQL does not start either.
	const keyless = await startServer(
		{ ...env, TOTP_ENCRYPTION_KEY: '', DEMO_SEED: 'off', PORT: String(await freePort()) },
		{ wait: false }
	);
	const keylessCode = await Promise.race([keyless.exited, sleep(60_000).then(() => 'running' as const)]);
	if (keylessCode === 'running') await keyless.kill('SIGKILL');
	checks.ok(
		keylessCode !== 'running' && keylessCode !== 0 && keyless.output().includes('TOTP_ENCRYPTION_KEY'),
		'the server refuses to start on PostgreSQL without TOTP_ENCRYPTION_KEY, and says so',
		tail(keyless.output(), 5)
	);
	console.log(`# test:crash took ${Math.round((Date.now() - started) / 1000)} s`);
}

let code = 1;
try {
	await main();
	code = checks.summary();
} catch (e) {
	console.error(e);
	if (server) console.error(tail(server.output()));
	checks.ok(false, 'the crash test ran to the end');
	checks.summary();
} finally {
	await server?.kill('SIGKILL');
	cluster?.destroy();
}
process.exit(code);
