/**
 * The production server: SvelteKit's handler from adapter-node (build/handler.js) behind Node's HTTP
 * server, as adapter-node's own build/index.js serves it, with one addition: the requests the app
 * answers itself before SvelteKit (src/lib/server/direct-routes.ts; the device readings endpoint).
 *
 * Settings, as adapter-node reads them: HOST (default 0.0.0.0), PORT (3000), SOCKET_PATH,
 * SHUTDOWN_TIMEOUT (seconds, 30), KEEP_ALIVE_TIMEOUT and HEADERS_TIMEOUT (seconds), and those the
 * handler reads itself (ORIGIN, ADDRESS_HEADER, XFF_DEPTH, PROTOCOL_HEADER, BODY_SIZE_LIMIT…).
 * On SIGTERM or SIGINT it stops taking connections, lets the requests in flight finish (closing the
 * rest after SHUTDOWN_TIMEOUT), then tells the app to close its database ('sveltekit:shutdown').
 *
 *   node scripts/serve.js        (after `vite build`; `npm start` builds first when needed)
 */
import { createServer } from 'node:http';

// Loading the handler starts the app: settings, database, migrations (the `init` hook).
const { handler } = await import(new URL('../build/handler.js', import.meta.url).href);
/** @type {((req: import('node:http').IncomingMessage) => ((req: any, res: any) => void) | null) | undefined} */
const direct = globalThis[Symbol.for('isolation-care.direct-routes')];

const seconds = (name, fallback) => {
	const value = process.env[name];
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds, not "${value}"`);
	return n;
};

const socketPath = process.env.SOCKET_PATH || undefined;
const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
const shutdownTimeout = seconds('SHUTDOWN_TIMEOUT', 30);

const notFound = (_req, res) => {
	res.statusCode = 404;
	res.end('Not Found');
};

let stopping = false;

const server = createServer((req, res) => {
	// While stopping, a keep-alive connection closes as soon as its request is answered.
	req.on('close', () => {
		if (stopping) server.closeIdleConnections();
	});
	const route = direct?.(req);
	if (route) route(req, res);
	else handler(req, res, () => notFound(req, res));
});

const keepAlive = seconds('KEEP_ALIVE_TIMEOUT', undefined);
if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive * 1000;
const headersTimeout = seconds('HEADERS_TIMEOUT', undefined);
if (headersTimeout !== undefined) server.headersTimeout = headersTimeout * 1000;

server.listen(socketPath ? { path: socketPath } : { host, port }, () => {
	const where = socketPath ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
	console.log(`Listening on ${where}`);
});

function shutdown(reason) {
	if (stopping) return;
	stopping = true;
	server.closeIdleConnections();
	const force = setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000);
	server.close(() => {
		clearTimeout(force);
		process.emit('sveltekit:shutdown', reason);
	});
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

export { server };
