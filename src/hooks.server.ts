import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { startApp } from '$lib/server/app';
import {
	deleteSessionCookie,
	SESSION_COOKIE,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import { log } from '$lib/server/log';
import { refuseNul } from '$lib/server/nul-guard';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated writes must come from our own pages. SvelteKit checks the Origin of form posts;
 * JSON endpoints are not covered by that, so every non-GET request carrying the session cookie is
 * checked here. Bearer-token requests (devices) carry no cookie and are not affected.
 */
const sameOriginWrites: Handle = async ({ event, resolve }) => {
	if (!SAFE_METHODS.has(event.request.method) && event.cookies.get(SESSION_COOKIE)) {
		const origin = event.request.headers.get('origin');
		const site = event.request.headers.get('sec-fetch-site');
		const sameOrigin = origin ? origin === event.url.origin : site === 'same-origin';
		if (!sameOrigin) return json({ message: 'Cross-site request refused' }, { status: 403 });
	}
	return resolve(event);
};

/** Reads the session cookie, validates it against the database and fills locals. */
const session: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.principal = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return resolve(event);
	const secure = event.url.protocol === 'https:';
	const valid = await validateSessionToken(db(), token);
	if (!valid) {
		deleteSessionCookie(event.cookies, secure);
		return resolve(event);
	}
	if (valid.fresh) setSessionCookie(event.cookies, token, valid.session.expiresAt, secure);
	event.locals.user = valid.user;
	event.locals.session = { id: valid.session.id, expiresAt: valid.session.expiresAt };
	event.locals.principal = {
		userId: valid.user.id,
		role: valid.user.role,
		siteIds: valid.user.siteIds,
		residentId: valid.user.residentId,
		readOnly: valid.readOnly
	};
	if (valid.user.mustChangePassword && !MAY_WHILE_CHANGING.has(event.url.pathname)) {
		if (event.url.pathname.startsWith('/api/')) {
			return json({ message: 'Change your password first' }, { status: 403 });
		}
		return new Response(null, { status: 303, headers: { location: '/account/password' } });
	}
	return resolve(event);
};
const MAY_WHILE_CHANGING = new Set(['/account/password', '/logout', '/language', '/healthz']);

const locale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

export const handle = sequence(requestContext, securityHeaders, refuseNul, locale, sameOriginWrites, session);

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
