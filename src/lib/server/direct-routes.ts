/**
 * The requests the production server (scripts/serve.js) answers itself, before SvelteKit: only the
 * device readings endpoint, the API's hot path (devices/reading-endpoint.ts). The app hands the server
 * its router when it starts, under a well-known symbol; a server without it (`node build/index.js`,
 * `vite dev`) sends every request to SvelteKit, which answers the same through the route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { proxySettings, serveReadingPost, takesRequest } from './devices/reading-endpoint';

export const DIRECT_ROUTES = Symbol.for('isolation-care.direct-routes');

export type DirectRoute = (req: IncomingMessage, res: ServerResponse) => void;

/** The router: the route that answers a request itself, or null to leave it to SvelteKit. */
export type DirectRouter = (req: IncomingMessage) => DirectRoute | null;

export function directRouter(env: Record<string, string | undefined>): DirectRouter {
	const proxy = proxySettings(env);
	const readings: DirectRoute = (req, res) => serveReadingPost(req, res, proxy);
	return (req) => (takesRequest(req) ? readings : null);
}

export function offerDirectRoutes(env: Record<string, string | undefined>): void {
	(globalThis as Record<symbol, unknown>)[DIRECT_ROUTES] = directRouter(env);
}
