import { error } from '@sveltejs/kit';
import { requireApiUser } from '$lib/server/auth/guard';
import { database } from '$lib/server/db';
import { alertEventStream, liveHub } from '$lib/server/live';
import type { RequestHandler } from './$types';

/** Server-sent events: one `alerts` event per change in the user's scope (ids only; the page reloads its data). */
export const GET: RequestHandler = async (event) => {
	const principal = requireApiUser(event);
	if (principal.role === 'resident') error(403, 'Not allowed for your role');
	const stream = alertEventStream(liveHub(database()), principal, event.request.signal);
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			'x-accel-buffering': 'no'
		}
	});
};
