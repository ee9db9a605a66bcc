/**
 * POST /api/v1/readings, written once for the two doors it is served through: the SvelteKit route
 * (src/routes/api/v1/readings/+server.ts), and the production server's direct route (scripts/serve.js),
 * which answers it from Node's own request and response. Devices post readings all day, every one of
 * them a write; the direct route spares each one the web Request and Response objects, their body
 * streams and the hooks it would not use (pages, sessions, languages). It keeps what the hooks give an
 * API answer: a request id, the security headers, the NUL check, the log line, and errors answered as
 * JSON with an id to quote. Both doors give the same answers (tests/integration/device-endpoint.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestStarted } from '../app';
import { bearerDevice, type PlainAnswer } from '../auth/guard';
import { database } from '../db';
import { outageWatch } from '../db/outage';
import { log } from '../log';
import { bodyHasNul } from '../nul-guard';
import { apiSecurityHeaders } from '../security-headers';
import { API_MESSAGE, RETRY_AFTER_SECONDS } from '../unavailable';
import { recordDeviceReading } from './api';
import type { Device } from './tokens';

export const READINGS_PATH = '/api/v1/readings';

/** A reading is a few hundred bytes; a body far larger is a broken or hostile client. */
export const READING_BODY_LIMIT = 16 * 1024;

const noStore = { 'cache-control': 'no-store' };

const refuse = (status: number, body: unknown): PlainAnswer => ({ status, headers: noStore, body });

/** The body as text, or null when it is over the limit. */
export const withinLimit = (text: string): string | null =>
	Buffer.byteLength(text) > READING_BODY_LIMIT ? null : text;

/**
 * The answer to one authenticated POST: from the device, its body as text (null when over the limit),
 * and the client's address.
 */
export async function answerReadingPost(
	device: Device,
	text: string | null,
	ip: string | null
): Promise<PlainAnswer> {
	if (text === null) return refuse(413, { message: `The body must be at most ${READING_BODY_LIMIT} bytes` });
	// Whatever content type the device claims: a NUL in any value would fail the database (nul-guard.ts).
	if (bodyHasNul('application/json', text))
		return refuse(422, { errors: { body: ['text values must not contain NUL characters'] } });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return refuse(422, { errors: { body: ['the body must be JSON'] } });
	}
	const answer = await recordDeviceReading(device, body, ip);
	return { status: answer.status, headers: noStore, body: answer.body };
}

/** The settings adapter-node reads to know a client's address and the site's protocol, read alike. */
export interface ProxySettings {
	origin?: string;
	addressHeader?: string;
	xffDepth?: number;
	protocolHeader?: string;
}

export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
	return {
		origin: env.ORIGIN || undefined,
		addressHeader: env.ADDRESS_HEADER?.toLowerCase() || undefined,
		xffDepth: Number.parseInt(env.XFF_DEPTH ?? '1', 10),
		protocolHeader: env.PROTOCOL_HEADER?.toLowerCase() || undefined
	};
}

function header(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

/** The client's address as adapter-node gives it to SvelteKit: a proxy's header when one is configured. */
export function clientAddress(req: IncomingMessage, proxy: ProxySettings): string | null {
	if (!proxy.addressHeader) return req.socket.remoteAddress ?? null;
	const value = header(req, proxy.addressHeader);
	if (value === undefined) return null;
	if (proxy.addressHeader !== 'x-forwarded-for') return value;
	const addresses = value.split(',');
	const depth = proxy.xffDepth ?? 1;
	return depth >= 1 && depth <= addresses.length ? addresses[addresses.length - depth]!.trim() : null;
}

function isHttps(req: IncomingMessage, proxy: ProxySettings): boolean {
	if (proxy.origin) return proxy.origin.startsWith('https:');
	// adapter-node's default when neither ORIGIN nor a protocol header says otherwise.
	return (proxy.protocolHeader ? header(req, proxy.protocolHeader) : undefined) !== 'http';
}

/**
 * Whether the direct route takes this request: a POST to the path itself, without a query string or a
 * cookie. Anything else (a browser's cookie-carrying request is checked for its origin by the hooks)
 * goes to SvelteKit, which answers it through the route.
 */
export function takesRequest(req: IncomingMessage): boolean {
	return req.method === 'POST' && req.url === READINGS_PATH && req.headers.cookie === undefined;
}

/** While the database is out of reach: 503 at once, as the hooks answer every other request. */
const UNAVAILABLE: PlainAnswer = {
	status: 503,
	headers: { ...noStore, 'retry-after': String(RETRY_AFTER_SECONDS) },
	body: { message: API_MESSAGE }
};

/** Serves one POST /api/v1/readings from Node's request and response. */
export function serveReadingPost(req: IncomingMessage, res: ServerResponse, proxy: ProxySettings): void {
	const started = performance.now();
	const requestId = header(req, 'x-request-id')?.slice(0, 64) || randomUUID();
	// Counted until answered, so that at shutdown the database closes only after the last handler ended.
	const done = requestStarted();
	const send = ({ status, headers, body }: PlainAnswer) => {
		done();
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
			...headers,
			...apiSecurityHeaders(isHttps(req, proxy)),
			'x-request-id': requestId
		});
		res.end(text);
		log.debug(
			{
				requestId,
				method: 'POST',
				route: READINGS_PATH,
				status,
				ms: Math.round(performance.now() - started)
			},
			'request'
		);
	};
	const chunks: Buffer[] = [];
	let size = 0;
	req.on('data', (chunk: Buffer) => {
		size += chunk.length;
		if (size <= READING_BODY_LIMIT) chunks.push(chunk);
	});
	req.on('error', () => {
		done();
		res.destroy();
	});
	req.on('end', () => {
		const watch = outageWatch(database());
		if (watch.isDown()) return send(UNAVAILABLE);
		// Too large: refused once the body is read, so the connection can carry the next request.
		const text = size > READING_BODY_LIMIT ? null : Buffer.concat(chunks).toString('utf8');
		bearerDevice(header(req, 'authorization') ?? null)
			.then((device) =>
				'status' in device ? device : answerReadingPost(device, text, clientAddress(req, proxy))
			)
			.then(send, (err: unknown) => {
				// The database went away under this request: 503, and the outage is logged once.
				if (watch.report(err, 'request')) return send(UNAVAILABLE);
				const errorId = randomUUID().slice(0, 8);
				log.error({ errorId, requestId, route: READINGS_PATH, err }, 'unhandled error');
				send({ status: 500, headers: {}, body: { message: 'Internal Error', errorId } });
			});
	});
}
