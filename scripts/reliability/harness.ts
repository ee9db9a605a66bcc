/**
 * What the crash and scale tests share: a throwaway PostgreSQL cluster of their own (own data directory,
 * own port, never the machine's server), production servers started from build/, and small checks that
 * print one line each and a closing count.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';

export const ROOT = resolve(import.meta.dirname, '../..');
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * The key for second-factor secrets (TOTP_ENCRYPTION_KEY), required with DATABASE_URL in production:
 * one per run, shared by every server of the run as an operator's servers share theirs.
 */
export const TOTP_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export function sleep(ms: number) {
	return new Promise((r) => setTimeout(r, ms));
}

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const srv = createServer();
		srv.once('error', fail);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => ok(port));
		});
	});
}

/** Builds the production server when build/ is missing (CI has just built it in `npm test`). */
export function ensureBuild(): void {
	if (existsSync(join(ROOT, 'build/index.js'))) return;
	console.log('# building the app');
	execFileSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export class Checks {
	passed = 0;
	failed = 0;
	ok(cond: boolean, what: string, detail?: unknown) {
		if (cond) {
			this.passed++;
			console.log(`ok - ${what}`);
		} else {
			this.failed++;
			console.log(`not ok - ${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
		}
	}
	/** The closing line CI reads. */
	summary(): number {
		console.log(`${this.passed} passed, ${this.failed} failed`);
		return this.failed ? 1 : 0;
	}
}

export interface Cluster {
	dir: string;
	port: number;
	url(db?: string): string;
	start(): Promise<void>;
	/** `fast` for a clean stop, `immediate` for one that skips the shutdown checkpoint (like a crash). */
	stop(mode?: 'fast' | 'immediate'): void;
	destroy(): void;
}

/**
 * A fresh cluster in a temporary directory. initdb refuses to run as root, so as root it runs as the
 * `postgres` user, who owns the directory.
 */
export async function createCluster(name: string): Promise<Cluster> {
	const dir = mkdtempSync(join(tmpdir(), `ic-${name}-`));
	const port = await freePort();
	const asRoot = process.getuid?.() === 0;
	const run = (bin: string, args: string[]) => {
		const cmd = asRoot ? 'runuser' : join(PG_BIN, bin);
		const full = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : args;
		return execFileSync(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
	};
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, uid, gid);
	}
	const data = join(dir, 'data');
	run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-instructions', '-E', 'UTF8']);
	const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
	const cluster: Cluster = {
		dir,
		port,
		url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
		async start() {
			run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
		},
		stop(mode = 'fast') {
			run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
		},
		destroy() {
			try {
				cluster.stop('immediate');
			} catch {
				// already stopped
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
	await cluster.start();
	return cluster;
}

export async function createDatabase(cluster: Cluster, name: string): Promise<string> {
	const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
	await sql.unsafe(`create database ${name}`);
	await sql.end();
	return cluster.url(name);
}

export interface Server {
	port: number;
	origin: string;
	proc: ChildProcess;
	/** Everything the server printed, for the checks and for a failure's report. */
	output(): string;
	exited: Promise<number | null>;
	kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the production server (scripts/serve.js); resolves once /healthz answers 200 (or rejects when the process exits first). */
export async function startServer(
	env: Record<string, string>,
	opts: { wait?: boolean } = {}
): Promise<Server> {
	const port = Number(env.PORT ?? (await freePort()));
	const origin = env.ORIGIN ?? `http://127.0.0.1:${port}`;
	let out = '';
	const proc = spawn(process.execPath, [join(ROOT, 'scripts/serve.js')], {
		cwd: ROOT,
		env: {
			PATH: process.env.PATH,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			LOG_LEVEL: 'warn',
			SHUTDOWN_TIMEOUT: '1',
			...env,
			PORT: String(port),
			ORIGIN: origin
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	proc.stdout!.on('data', (d) => (out += d));
	proc.stderr!.on('data', (d) => (out += d));
	const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
	const server: Server = {
		port,
		origin,
		proc,
		output: () => out,
		exited,
		async kill(signal = 'SIGTERM') {
			if (proc.exitCode !== null || proc.signalCode !== null) return;
			proc.kill(signal);
			await exited;
		}
	};
	if (opts.wait === false) return server;
	const deadline = Date.now() + 120_000;
	let done = false;
	void exited.then(() => (done = true));
	while (Date.now() < deadline) {
		if (done) throw new Error(`the server exited while starting:\n${out}`);
		try {
			const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
			if (res.ok) return server;
		} catch {
			// not listening yet
		}
		await sleep(200);
	}
	await server.kill('SIGKILL');
	throw new Error(`the server did not become healthy:\n${out}`);
}

/** The demo device token the seed stored (it is printed at start as well). */
export async function demoDeviceToken(url: string): Promise<string> {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const [row] = await sql`select value from app_meta where key = 'demo_device'`;
		return (row!.value as { token: string }).token;
	} finally {
		await sql.end();
	}
}

export interface Proxy {
	port: number;
	/** The database goes away: open connections are cut and new ones refused, as when PostgreSQL stops. */
	cut(): Promise<void>;
	/** The database is back. */
	open(): Promise<void>;
	close(): Promise<void>;
}

/**
 * A TCP proxy of the test's own between the app and PostgreSQL, to take the database away from one
 * server (and bring it back) without stopping PostgreSQL for anyone else.
 */
export async function startProxy(targetPort: number, host = '127.0.0.1'): Promise<Proxy> {
	const port = await freePort();
	const sockets = new Set<Socket>();
	let server: NetServer | null = null;
	const listen = () =>
		new Promise<void>((ok, fail) => {
			const srv = createServer((client) => {
				const upstream = connect(targetPort, host);
				for (const s of [client, upstream]) {
					sockets.add(s);
					s.on('error', () => {});
					s.on('close', () => {
						sockets.delete(s);
						client.destroy();
						upstream.destroy();
					});
				}
				client.pipe(upstream);
				upstream.pipe(client);
			});
			srv.once('error', fail);
			srv.listen(port, host, () => {
				server = srv;
				ok();
			});
		});
	await listen();
	return {
		port,
		async cut() {
			const srv = server;
			server = null;
			for (const s of sockets) s.destroy();
			sockets.clear();
			if (srv) await new Promise<void>((r) => srv.close(() => r()));
		},
		async open() {
			if (!server) await listen();
		},
		async close() {
			await this.cut();
		}
	};
}

export function tail(text: string, lines = 30): string {
	return text.split('\n').slice(-lines).join('\n');
}

export function readIfExists(path: string): string {
	return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
