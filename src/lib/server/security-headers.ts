/**
 * Headers every response carries, pages and API alike. Pages get their Content-Security-Policy from
 * SvelteKit (`kit.csp` in svelte.config.js, with a nonce for its start-up script); any other response
 * (JSON, CSV, redirects) gets one that allows nothing at all, since it is never meant to render.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** HSTS for a year, subdomains included, once the app is served over https (a browser ignores it on http). */
export const HSTS = 'max-age=31536000; includeSubDomains';

export function applySecurityHeaders(headers: Headers, url: URL): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'same-origin');
	// For browsers that predate CSP's frame-ancestors.
	headers.set('x-frame-options', 'DENY');
	if (!headers.has('content-security-policy')) headers.set('content-security-policy', API_CSP);
	if (url.protocol === 'https:') headers.set('strict-transport-security', HSTS);
}
