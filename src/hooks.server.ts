import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { startApp } from '$lib/server/app';
import { log } from '$lib/server/log';

export const init: ServerInit = async () => {
	await startApp(env);
};

/** A request id for every request, echoed in a header, so a user's report can be found in the logs. */
const requestContext: Handle = async ({ event, resolve }) => {
	event.locals.requestId = event.request.headers.get('x-request-id')?.slice(0, 64) || crypto.randomUUID();
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	// Paths only, never query strings or bodies: they can carry names, ID numbers or phones.
	log.debug(
		{
			requestId: event.locals.requestId,
			method: event.request.method,
			route: event.route.id,
			status: response.status,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-frame-options', 'DENY');
	return response;
};

const locale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

export const handle = sequence(requestContext, securityHeaders, locale);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const errorId = crypto.randomUUID().slice(0, 8);
	if (status >= 500) {
		log.error(
			{ errorId, requestId: event.locals.requestId, route: event.route.id, err: error },
			'unhandled error'
		);
	}
	return { message, errorId };
};
