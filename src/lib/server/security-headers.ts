/**
 * Headers every response carries, pages and API alike. Pages get their Content-Security-Policy from
 * SvelteKit (`kit.csp` in svelte.config.js, with a nonce for its start-up script); any other response
 * (JSON, CSV, redirects) gets one that allows nothing at all, since it is never meant to render.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** HSTS for a year, subdomains included, once the app is served over https (a browser ignores it on http). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The headers an API answer carries (it sets no Content-Security-Policy of its own). */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
	return {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'x-frame-options': 'DENY',
		'content-security-policy': API_CSP,
		...(https ? { 'strict-transport-security': HSTS } : {})
	};
}

export function applySecurityHeaders(headers: Headers, url: URL): void {
	for (const [name, value] of Object.entries(apiSecurityHeaders(url.protocol === 'https:')))
		// A page keeps the policy SvelteKit gave it, with its nonce.
		if (name !== 'content-security-policy' || !headers.has(name)) headers.set(name, value);
}
