/**
 * PostgreSQL refuses the NUL character in text and jsonb ("invalid byte sequence for encoding UTF8:
 * 0x00"), so a NUL that reached a query would fail it with a 500. No person types one; it comes from a
 * broken device or a fuzzer. Requests that carry one are refused at the door with a 400, before any
 * form or endpoint sees them: in the query string, or in a URL-encoded, JSON or multipart body. In a
 * multipart body (superforms posts one when JavaScript is on) the text fields and the files' names are
 * read, not the files' content: a file is bytes, and its own parser (the CSV import) reports bad ones
 * with a line number.
 */
import { json, type Handle } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { extractLocaleFromRequest } from '$lib/paraglide/runtime';

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

/** Whether the guard reads the body as text (URL-encoded forms and JSON; multipart is parsed instead). */
export function readsBody(contentType: string | null): boolean {
	const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
	return (
		type === 'application/x-www-form-urlencoded' || type === 'application/json' || type.endsWith('+json')
	);
}

export function isMultipart(contentType: string | null): boolean {
	return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
}

/** The field superforms fills with the whole form as devalue JSON when a form posts `dataType: 'json'`. */
const SUPERFORM_JSON = '__superform_json';

/** Whether a multipart form holds a NUL in a field's name or text, or in a file's name (not its content). */
export function formHasNul(form: FormData): boolean {
	for (const [name, value] of form) {
		if (name.includes('\u0000')) return true;
		if (typeof value !== 'string') {
			if (value.name.includes('\u0000')) return true;
			continue;
		}
		if (value.includes('\u0000')) return true;
		if (name === SUPERFORM_JSON && JSON_NUL.test(value)) return true;
	}
	return false;
}

/** Reads a copy of a multipart body; one that does not parse is left to the route, as before. */
async function multipartHasNul(request: Request): Promise<boolean> {
	let form: FormData;
	try {
		form = await request.clone().formData();
	} catch {
		return false;
	}
	return formHasNul(form);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const NUL_MESSAGE = 'The request contains a NUL character';

/**
 * Endpoints that read their body as text once and check it themselves (whatever content type a device
 * claims), so the hook need not copy the body to read it first.
 */
const CHECK_OWN_BODY = new Set(['/api/v1/readings']);

async function requestBodyHasNul(
	event: Parameters<Handle>[0]['event'],
	type: string | null
): Promise<boolean> {
	if (SAFE_METHODS.has(event.request.method) || CHECK_OWN_BODY.has(event.route.id ?? '')) return false;
	if (readsBody(type)) return bodyHasNul(type, await event.request.clone().text());
	if (isMultipart(type)) return multipartHasNul(event.request);
	return false;
}

/** The hook: a request carrying a NUL is answered 400 before anything else runs. */
export const refuseNul: Handle = async ({ event, resolve }) => {
	const type = event.request.headers.get('content-type');
	const nul = urlHasNul(event.url) || (await requestBodyHasNul(event, type));
	if (!nul) return resolve(event);
	// An enhanced form post (superforms) reads SvelteKit's action result and shows its message.
	if (event.request.headers.get('x-sveltekit-action') === 'true')
		return json(
			{
				type: 'error',
				error: { message: m.error_nul_text({}, { locale: extractLocaleFromRequest(event.request) }) }
			},
			{ status: 400 }
		);
	return json({ message: NUL_MESSAGE }, { status: 400 });
};
