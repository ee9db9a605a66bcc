/**
 * The answer while the database is out of reach: 503 with Retry-After, in the form the asker reads. A
 * page gets a small page of its own (the app's layout needs the database too), which reloads itself;
 * an enhanced form post gets SvelteKit's action result, so the form shows the error; a client-side
 * navigation's data request and every API get JSON `{ message }`.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { baseLocale, type Locale } from '$lib/paraglide/runtime';

export const RETRY_AFTER_SECONDS = 10;
export const API_MESSAGE = 'The database is unavailable; try again shortly';

/** The page's own policy: no script at all, its one inline style, nothing from elsewhere. */
const PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function wantsPage(request: Request, url: URL): boolean {
	if (url.pathname.startsWith('/api/') || url.pathname.endsWith('/__data.json')) return false;
	return (request.headers.get('accept') ?? '').includes('text/html');
}

export function unavailableHtml(locale: Locale, reload: boolean): string {
	const title = m.error_unavailable_title({}, { locale });
	const text = m.error_unavailable_text({}, { locale });
	const app = m.app_name({}, { locale });
	return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${reload ? `<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS * 2}">\n` : ''}<title>${title} · ${app}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; text-align: center; color: #1f2933; line-height: 1.7; }
.code { font-size: 3rem; font-weight: 700; color: #616e7c; margin: 0; }
</style>
</head>
<body>
<main>
<p class="code">503</p>
<h1>${title}</h1>
<p>${text}</p>
</main>
</body>
</html>
`;
}

export function unavailableResponse(
	event: Pick<RequestEvent, 'request' | 'url'> & { locals: Partial<App.Locals> }
): Response {
	const locale = event.locals.locale ?? baseLocale;
	const headers = new Headers({ 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' });
	const message = m.error_unavailable_text({}, { locale });
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		// What `enhance` (and superforms) read back from a form action.
		headers.set('content-type', 'application/json');
		return new Response(JSON.stringify({ type: 'error', error: { message } }), { status: 503, headers });
	}
	if (wantsPage(event.request, event.url)) {
		headers.set('content-type', 'text/html; charset=utf-8');
		headers.set('content-security-policy', PAGE_CSP);
		const reload = event.request.method === 'GET' || event.request.method === 'HEAD';
		return new Response(unavailableHtml(locale, reload), { status: 503, headers });
	}
	headers.set('content-type', 'application/json');
	// The device API speaks English to machines, like its other errors; pages' data requests the user's language.
	const text = event.url.pathname.startsWith('/api/') ? API_MESSAGE : message;
	return new Response(JSON.stringify({ message: text }), { status: 503, headers });
}

/**
 * Whether what a request made, having found the database out of reach, must give way to the 503: an
 * error page, or a page's data request (client-side navigation), which SvelteKit answers 200 with the
 * error inside and the browser would show as a 500.
 */
export function givesWayToUnavailable(response: Response, isDataRequest: boolean): boolean {
	return response.status >= 500 || isDataRequest;
}
