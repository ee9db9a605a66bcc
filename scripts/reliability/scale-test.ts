/**
 * `npm run test:scale`: two production servers behind nginx on loopback, one PostgreSQL database of
 * their own (a throwaway cluster). Shows that nothing a user relies on lives in one server's memory:
 * a session made through one server works on the other, an alert recorded through server A reaches an
 * inbox open on server B within 2 s (LISTEN/NOTIFY), the scheduler's job runs once per interval in total
 * (its watermark is observed; the interval is shortened to 2 s here), and sign-in throttling counts
 * failures across both. nginx (Debian's package) runs with its own prefix and config; the machine's own
 * nginx, running or not, is never touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import {
	Checks,
	createCluster,
	createDatabase,
	demoDeviceToken,
	ensureBuild,
	freePort,
	readIfExists,
	sleep,
	startServer,
	tail,
	TOTP_ENCRYPTION_KEY,
	type Cluster,
	type Server
} from './harness';

const INTERVAL_S = 2;
/** The servers trust X-Forwarded-For (ADDRESS_HEADER), as behind nginx; requests sent to them directly carry it too. */
const VIA_PROXY = { 'x-forwarded-for': '127.0.0.1' };
const checks = new Checks();
let cluster: Cluster | null = null;
const servers: Server[] = [];
let nginx: ChildProcess | null = null;

function nginxBinary(): string {
	for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
		try {
			execFileSync(p, ['-v'], { stdio: 'ignore' });
			return p;
		} catch {
			// try the next
		}
	}
	throw new Error('nginx is not installed: apt-get install -y nginx');
}

async function startNginx(dir: string, port: number, upstreams: number[]): Promise<void> {
	const prefix = join(dir, 'nginx');
	mkdirSync(join(prefix, 'tmp'), { recursive: true });
	chmodSync(prefix, 0o755);
	chmodSync(join(prefix, 'tmp'), 0o777);
	const conf = join(prefix, 'nginx.conf');
	writeFileSync(
		conf,
		`daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path ${prefix}/tmp/body;
	proxy_temp_path ${prefix}/tmp/proxy;
	fastcgi_temp_path ${prefix}/tmp/fastcgi;
	uwsgi_temp_path ${prefix}/tmp/uwsgi;
	scgi_temp_path ${prefix}/tmp/scgi;
	upstream app {
${upstreams.map((p) => `		server 127.0.0.1:${p};`).join('\n')}
		keepalive 8;
	}
	server {
		listen 127.0.0.1:${port};
		location / {
			proxy_pass http://app;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			# Server-sent events must not wait in a buffer.
			proxy_buffering off;
			proxy_read_timeout 1h;
			add_header X-Upstream $upstream_addr always;
		}
	}
}
`
	);
	const bin = nginxBinary();
	execFileSync(bin, ['-t', '-q', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf], {
		stdio: 'pipe'
	});
	nginx = spawn(bin, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf], { stdio: 'ignore' });
	for (let i = 0; i < 100; i++) {
		try {
			await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
			return;
		} catch {
			await sleep(100);
		}
	}
	throw new Error(`nginx did not start:\n${readIfExists(join(prefix, 'error.log'))}`);
}

/** Signs a staff account in through `base`; answers the HTTP status and the session cookie. */
async function signIn(base: string, origin: string, username: string, password: string) {
	const res = await fetch(`${base}/login?/staff`, {
		method: 'POST',
		redirect: 'manual',
		// text/html: a browser's form post (SvelteKit answers JSON to fetch's default */*).
		headers: {
			...VIA_PROXY,
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({ username, password })
	});
	await res.arrayBuffer();
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith('session'));
	return { status: res.status, cookie };
}

/**
 * Reads a server-sent event stream from now on. `by(deadline)` resolves with whether an event of `name`
 * for `siteId` arrived before `deadline` (a time in ms), waiting for it until then.
 */
function watchEvents(body: ReadableStream<Uint8Array>, name: string, siteId: string) {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	let arrived: number | null = null;
	const reading = (async () => {
		for (;;) {
			const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			const blocks = buffer.split('\n\n');
			buffer = blocks.pop() ?? '';
			if (arrived === null && blocks.some((b) => b.includes(`event: ${name}`) && b.includes(siteId)))
				arrived = Date.now();
		}
	})();
	return {
		async by(deadline: number): Promise<boolean> {
			while (arrived === null && Date.now() < deadline) await sleep(20);
			void reader.cancel().catch(() => {});
			await reading;
			return arrived !== null && arrived <= deadline;
		}
	};
}

async function main() {
	const started = Date.now();
	ensureBuild();
	cluster = await createCluster('scale');
	const url = await createDatabase(cluster, 'scale');
	const [lb, portA, portB] = [await freePort(), await freePort(), await freePort()];
	const origin = `http://127.0.0.1:${lb}`;
	const common = {
		DATABASE_URL: url,
		TOTP_ENCRYPTION_KEY,
		ORIGIN: origin,
		ADDRESS_HEADER: 'X-Forwarded-For',
		XFF_DEPTH: '1',
		SCHEDULER_INTERVAL_SECONDS: String(INTERVAL_S)
	};
	// A seeds the demo (and migrates); B starts on the same database.
	servers.push(await startServer({ ...common, PORT: String(portA), DEMO_SEED: 'on' }));
	servers.push(await startServer({ ...common, PORT: String(portB), DEMO_SEED: 'off' }));
	const [A, B] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
	await startNginx(cluster.dir, lb, [portA, portB]);

	// Both servers take turns behind the balancer.
	const upstreams = new Set<string>();
	for (let i = 0; i < 6; i++) {
		const res = await fetch(`${origin}/healthz`);
		await res.arrayBuffer();
		upstreams.add(res.headers.get('x-upstream') ?? '');
	}
	checks.ok(upstreams.size === 2, 'nginx spreads requests over both servers', [...upstreams]);

	// Sessions: signed in through the balancer, the cookie works on each server directly.
	const staff = await signIn(origin, origin, 'staff', 'demo-staff-2026');
	checks.ok(staff.status === 303 && !!staff.cookie, 'staff signs in through nginx', staff.status);
	for (const [name, base] of [
		['A', A],
		['B', B]
	] as const) {
		const res = await fetch(`${base}/alerts`, {
			redirect: 'manual',
			headers: { ...VIA_PROXY, cookie: staff.cookie ?? '' }
		});
		const page = await res.text();
		checks.ok(
			res.status === 200 && page.includes('action="/logout"'),
			`the session opens the alert inbox on server ${name}`,
			res.status
		);
	}

	const anonymous = await fetch(`${B}/alerts`, { redirect: 'manual', headers: VIA_PROXY });
	await anonymous.arrayBuffer();
	checks.ok(
		anonymous.status === 303,
		'without the cookie server B sends the visitor to sign in',
		anonymous.status
	);

	// Live alerts across servers: an inbox open on B hears of a fever recorded through A.
	const token = await demoDeviceToken(url);
	const stays = (await (
		await fetch(`${A}/api/v1/stays`, { headers: { ...VIA_PROXY, authorization: `Bearer ${token}` } })
	).json()) as { stayId: string }[];
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const [stay] = await sql`select id::text, site_id::text from stays where id = ${stays[0]!.stayId}`;
		const inbox = await fetch(`${B}/alerts/events`, {
			headers: { ...VIA_PROXY, cookie: staff.cookie ?? '', accept: 'text/event-stream' }
		});
		checks.ok(inbox.status === 200, 'the alert inbox stream opens on server B', inbox.status);
		await sleep(500); // the stream is subscribed once its response has started
		const seen = watchEvents(inbox.body!, 'alerts', stay!.site_id);
		const sent = await fetch(`${A}/api/v1/readings`, {
			method: 'POST',
			headers: { ...VIA_PROXY, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				stayId: stay!.id,
				takenAt: new Date().toISOString(),
				source: 'device',
				temperature: 39.3,
				idempotencyKey: `scale-${crypto.randomUUID()}`
			})
		});
		const answer = (await sent.json()) as { alerts?: { kind: string }[] };
		// The alert exists from the moment A answers (the answer comes after the commit).
		const createdAt = Date.now();
		checks.ok(
			sent.status === 201 && !!answer.alerts?.some((a) => a.kind === 'fever'),
			'a fever reading recorded through server A raises a fever alert',
			sent.status
		);
		checks.ok(await seen.by(createdAt + 2000), 'the inbox open on server B hears of the alert within 2 s');

		// The scheduler: both servers tick every 2 s; the watermark shows how often the job really ran.
		const runs: number[] = [];
		let last = '';
		const until = Date.now() + 10 * INTERVAL_S * 1000;
		while (Date.now() < until) {
			const [row] = await sql`select value #>> '{}' as value from app_meta where key = 'scheduler_watermark'`;
			const v = (row?.value as string | undefined) ?? '';
			if (v && v !== last) {
				runs.push(new Date(v).getTime());
				last = v;
			}
			await sleep(100);
		}
		const gaps = runs.slice(1).map((r, i) => r - runs[i]!);
		console.log(
			`# scheduler: ${runs.length} runs seen, gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join(', ')} s`
		);
		checks.ok(runs.length >= 5, 'the scheduler keeps running with two servers', runs.length);
		checks.ok(
			gaps.every((g) => g >= INTERVAL_S * 1000 * 0.9),
			`two servers each ticking every ${INTERVAL_S} s run the job once per ${INTERVAL_S} s in total`,
			gaps
		);
	} finally {
		await sql.end();
	}

	// Throttling: five failures spread over both servers lock the account on both.
	const tries: number[] = [];
	for (let i = 0; i < 5; i++)
		tries.push((await signIn(i % 2 ? B : A, origin, 'clinician', 'wrong-password-1')).status);
	checks.ok(
		tries.slice(0, 4).every((s) => s === 400),
		'wrong passwords are refused on both servers',
		tries
	);
	const right = await Promise.all([
		signIn(A, origin, 'clinician', 'demo-clinician-2026'),
		signIn(B, origin, 'clinician', 'demo-clinician-2026')
	]);
	checks.ok(
		right.every((r) => r.status === 429 && !r.cookie),
		'after 3 failures on A and 2 on B the account is locked on both, even for the right password',
		right.map((r) => r.status)
	);
	console.log(`# test:scale took ${Math.round((Date.now() - started) / 1000)} s`);
}

let code = 1;
try {
	await main();
	if (checks.failed) for (const s of servers) console.error(tail(s.output()));
	code = checks.summary();
} catch (e) {
	console.error(e);
	for (const s of servers) console.error(tail(s.output()));
	checks.ok(false, 'the scale test ran to the end');
	checks.summary();
} finally {
	if (nginx && nginx.exitCode === null) {
		nginx.kill('SIGTERM');
		await new Promise((r) => nginx!.once('exit', r));
	}
	for (const s of servers) await s.kill('SIGKILL');
	cluster?.destroy();
}
process.exit(code);
