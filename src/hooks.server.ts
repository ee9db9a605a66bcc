import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { baseLocale } from '$lib/paraglide/runtime';
import { requestStarted, startApp } from '$lib/server/app';
import {
	deleteSessionCookie,
	SESSION_COOKIE,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import { twoFactorGate } from '$lib/domain/two-factor';
import { database, db } from '$lib/server/db';
import { outageWatch, unavailableCode } from '$lib/server/db/outage';
import { offerDirectRoutes } from '$lib/server/direct-routes';
import { log } from '$lib/server/log';
import { refuseNul } from '$lib/server/nul-guard';
import { applySecurityHeaders } from '$lib/server/security-headers';
import { givesWayToUnavailable, unavailableResponse } from '$lib/server/unavailable';

export const init: ServerInit = async () => {
	await startApp(env);
	offerDirectRoutes(env);
};

/** A request id for every request, echoed in a header, so a user's report can be found in the logs. */
const requestContext: Handle = async ({ event, resolve }) => {
	event.locals.requestId = event.request.headers.get('x-request-id')?.slice(0, 64) || crypto.randomUUID();
	const started = performance.now();
	// Counted until answered, so that at shutdown the database closes only after the last handler ended.
	const done = requestStarted();
	let response: Response;
	try {
		response = await resolve(event);
	} finally {
		done();
	}
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
	try {
		applySecurityHeaders(response.headers, event.url);
	} catch {
		// A response with immutable headers (a fetched one passed through): answer with a copy.
		const copy = new Response(response.body, response);
		applySecurityHeaders(copy.headers, event.url);
		return copy;
	}
	return response;
};

/**
 * While the database is out of reach every request that needs it gets a 503 at once (see db/outage.ts),
 * and one that finds it out of reach (a session check here, a query in a page or endpoint) gets a 503
 * instead of a 500. /healthz makes its own bounded round trip, and so tells when the database is back.
 */
const databaseOutage: Handle = async ({ event, resolve }) => {
	const watch = outageWatch(database());
	if (watch.isDown() && event.url.pathname !== '/healthz') return unavailableResponse(event);
	try {
		const response = await resolve(event);
		return event.locals.databaseUnavailable && givesWayToUnavailable(response, event.isDataRequest)
			? unavailableResponse(event)
			: response;
	} catch (e) {
		if (watch.report(e, 'request')) return unavailableResponse(event);
		throw e;
	}
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
	event.locals.pendingSecondFactor = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return resolve(event);
	const secure = event.url.protocol === 'https:';
	const valid = await validateSessionToken(db(), token);
	if (!valid) {
		deleteSessionCookie(event.cookies, secure);
		return resolve(event);
	}
	if (valid.fresh) setSessionCookie(event.cookies, token, valid.session.expiresAt, secure);
	const gate = twoFactorGate(valid.user.role, valid.twoFactor);
	if (gate === 'verify') {
		// Password given, code not yet: signed in for the second step only, nowhere else.
		event.locals.pendingSecondFactor = {
			sessionId: valid.session.id,
			userId: valid.user.id,
			username: valid.user.username
		};
		if (MAY_BEFORE_SECOND_FACTOR.has(event.url.pathname)) return resolve(event);
		return gateAnswer(event.url, '/login/2fa', 'Enter your second-factor code first');
	}
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
	if (gate === 'enrol' && !MAY_WHILE_ENROLLING.has(event.url.pathname))
		return gateAnswer(event.url, '/account/security', 'Set up your second factor first');
	return resolve(event);
};
const MAY_WHILE_CHANGING = new Set(['/account/password', '/logout', '/language', '/healthz']);
const MAY_BEFORE_SECOND_FACTOR = new Set(['/login', '/login/2fa', '/logout', '/language', '/healthz']);
const MAY_WHILE_ENROLLING = new Set([
	'/account/security',
	'/account/password',
	'/logout',
	'/language',
	'/healthz'
]);

function gateAnswer(url: URL, location: string, message: string): Response {
	if (url.pathname.startsWith('/api/')) return json({ message }, { status: 403 });
	const next = url.pathname + url.search;
	const to =
		location === '/login/2fa' && next !== '/' ? `${location}?next=${encodeURIComponent(next)}` : location;
	return new Response(null, { status: 303, headers: { location: to } });
}

const locale: Handle = ({ event, resolve }) => {
	// The device API answers in plain English data for machines: no language to choose, no page to
	// translate, and the middleware's copy of every request is the most it would cost.
	if (event.url.pathname.startsWith('/api/v1/')) {
		event.locals.locale = baseLocale;
		return resolve(event);
	}
	return paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};

export const handle = sequence(
	requestContext,
	securityHeaders,
	refuseNul,
	locale,
	databaseOutage,
	sameOriginWrites,
	session
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const errorId = crypto.randomUUID().slice(0, 8);
	const code = unavailableCode(error);
	if (code && outageWatch(database()).report(error, 'request')) {
		// Answered 503 by `databaseOutage`; the outage itself is logged once. The code only: the driver's
		// error names the failed statement and its parameters.
		event.locals.databaseUnavailable = true;
		log.debug(
			{ errorId, requestId: event.locals.requestId, route: event.route.id, reason: code },
			'database unavailable'
		);
		return { message, errorId };
	}
	if (status >= 500) {
		log.error(
			{ errorId, requestId: event.locals.requestId, route: event.route.id, err: error },
			'unhandled error'
		);
	}
	return { message, errorId };
};
