import { requireRole } from '$lib/server/auth/guard';
import { database } from '$lib/server/db';
import { alertEventStream, liveHub, ownDeliveries } from '$lib/server/live';
import type { RequestHandler } from './$types';

/** Server-sent events: one `deliveries` event when one of the resident's own deliveries changes (ids only). */
export const GET: RequestHandler = async (event) => {
	const principal = requireRole(event, 'resident');
	const stream = alertEventStream(
		liveHub(database()),
		principal,
		event.request.signal,
		20_000,
		ownDeliveries
	);
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			'x-accel-buffering': 'no'
		}
	});
};
