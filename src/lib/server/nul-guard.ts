/**
 * PostgreSQL refuses the NUL character in text and jsonb ("invalid byte sequence for encoding UTF8:
 * 0x00"), so a NUL that reached a query would fail it with a 500. No person types one; it comes from a
 * broken device or a fuzzer. Requests that carry one are refused at the door with a 400, before any
 * form or endpoint sees them: in the query string, or in a URL-encoded or JSON body. (Multipart bodies
 * carry files, such as the CSV import, whose own parser reports bad bytes with a line number.)
 */
import { json, type Handle } from '@sveltejs/kit';

const ENCODED_NUL = /%00/i;
/** JSON's escape for NUL, not preceded by an escaped backslash. */
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;

export function urlHasNul(url: URL): boolean {
	return ENCODED_NUL.test(url.search) || ENCODED_NUL.test(url.pathname) || url.href.includes('\u0000');
}

export function bodyHasNul(contentType: string | null, body: string): boolean {
	if (body.includes('\u0000')) return true;
	const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
	if (type === 'application/x-www-form-urlencoded') return ENCODED_NUL.test(body);
	if (type === 'application/json' || type.endsWith('+json')) return JSON_NUL.test(body);
	return false;
}

/** Whether the body is one this guard reads (text forms and JSON; not multipart uploads). */
export function readsBody(contentType: string | null): boolean {
	const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
	return (
		type === 'application/x-www-form-urlencoded' || type === 'application/json' || type.endsWith('+json')
	);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Endpoints that read their body as text once and check it themselves (whatever content type a device
 * claims), so the hook need not copy the body to read it first.
 */
const CHECK_OWN_BODY = new Set(['/api/v1/readings']);

/** The hook: a request carrying a NUL is answered 400 before anything else runs. */
export const refuseNul: Handle = async ({ event, resolve }) => {
	const type = event.request.headers.get('content-type');
	const nul =
		urlHasNul(event.url) ||
		(!SAFE_METHODS.has(event.request.method) &&
			!CHECK_OWN_BODY.has(event.route.id ?? '') &&
			readsBody(type) &&
			bodyHasNul(type, await event.request.clone().text()));
	if (nul) return json({ message: 'The request contains a NUL character' }, { status: 400 });
	return resolve(event);
};
