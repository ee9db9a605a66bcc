/**
 * The production server: SvelteKit's handler from adapter-node (build/handler.js) behind Node's HTTP
 * server, as adapter-node's own build/index.js serves it, with one addition: the requests the app
 * answers itself before SvelteKit (src/lib/server/direct-routes.ts; the device readings endpoint).
 *
 * Settings, as adapter-node reads them: HOST (default 0.0.0.0), PORT (3000), SOCKET_PATH,
 * SHUTDOWN_TIMEOUT (seconds, 30), KEEP_ALIVE_TIMEOUT and HEADERS_TIMEOUT (seconds), and those the
 * handler reads itself (ORIGIN, ADDRESS_HEADER, XFF_DEPTH, PROTOCOL_HEADER, BODY_SIZE_LIMIT…).
 * On SIGTERM or SIGINT it first takes in the connections the kernel has already completed (its event
 * loop may have been busy when they came: closing the listening socket then would reset them, requests
 * the clients had already sent), for at least one pass of the loop and up to ACCEPT_DRAIN_MS while more
 * arrive; then it stops listening. Requests in flight finish and are answered with `connection: close`,
 * connections between requests close at once, one that has not sent its request yet gets
 * FIRST_REQUEST_GRACE_MS, and whatever is left is cut after SHUTDOWN_TIMEOUT. Then it tells the app to
 * close its database ('sveltekit:shutdown').
 *
 *   node scripts/serve.js        (after `vite build`; `npm start` builds first when needed)
 */
import { createServer } from 'node:http';
import { Server as NetServer } from 'node:net';

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

/** How long, once stopping, connections may still be taken in while they keep arriving. */
const ACCEPT_DRAIN_MS = 1000;
/** How long, once stopping, a connection accepted before the signal has to deliver its first request. */
const FIRST_REQUEST_GRACE_MS = 2000;

let stopping = false;

/**
 * Each open connection: how many of its requests are unanswered, and whether it has sent one yet.
 * @type {Map<import('node:net').Socket, { open: number; served: boolean }>}
 */
const connections = new Map();

/** Ends the connections with nothing in flight; those that never sent a request only when `fresh`. */
function closeIdle(fresh = false) {
	for (const [socket, c] of connections) {
		if (c.open === 0 && (c.served || fresh)) socket.destroySoon();
	}
}

const server = createServer((req, res) => {
	const c = connections.get(req.socket);
	if (c) {
		c.open++;
		c.served = true;
	}
	// While stopping, a connection closes as soon as its request is answered.
	if (stopping) res.setHeader('connection', 'close');
	res.once('close', () => {
		if (c) c.open--;
		if (stopping) closeIdle();
	});
	const route = direct?.(req);
	if (route) route(req, res);
	else handler(req, res, () => notFound(req, res));
});

const keepAlive = seconds('KEEP_ALIVE_TIMEOUT', undefined);
if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive * 1000;
const headersTimeout = seconds('HEADERS_TIMEOUT', undefined);
if (headersTimeout !== undefined) server.headersTimeout = headersTimeout * 1000;

/** Connections accepted so far: the drain at shutdown waits for a pass of the loop that adds none. */
let accepted = 0;

server.on('connection', (socket) => {
	accepted++;
	connections.set(socket, { open: 0, served: false });
	socket.once('close', () => connections.delete(socket));
});

server.listen(socketPath ? { path: socketPath } : { host, port }, () => {
	const where = socketPath ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
	console.log(`Listening on ${where}`);
});

function shutdown(reason) {
	if (stopping) return;
	stopping = true;
	closeIdle();
	const force = setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000);
	const drainUntil = Date.now() + ACCEPT_DRAIN_MS;
	const drain = (seen) =>
		// A timer, then setImmediate: the loop has polled (and accepted what was waiting) in between.
		setTimeout(
			() =>
				setImmediate(() => {
					if (accepted !== seen && Date.now() < drainUntil) return drain(accepted);
					stopListening();
				}),
			10
		);
	drain(-1);

	function stopListening() {
		const grace = setTimeout(() => closeIdle(true), Math.min(FIRST_REQUEST_GRACE_MS, shutdownTimeout * 1000));
		// net.Server's close: stop listening, leaving the connections to the rules above (http.Server's
		// would also close whatever Node counts as idle); it calls back once the last one has ended.
		NetServer.prototype.close.call(server, () => {
			clearTimeout(grace);
			clearTimeout(force);
			process.emit('sveltekit:shutdown', reason);
		});
	}
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

export { server };
