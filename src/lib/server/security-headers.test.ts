import { describe, expect, it } from 'vitest';
import { API_CSP, applySecurityHeaders, HSTS } from './security-headers';

describe('security headers', () => {
	it('sets nosniff, same-origin referrers and no framing on every response', () => {
		const h = new Headers();
		applySecurityHeaders(h, new URL('http://localhost:3000/api/v1/stays'));
		expect(h.get('x-content-type-options')).toBe('nosniff');
		expect(h.get('referrer-policy')).toBe('same-origin');
		expect(h.get('x-frame-options')).toBe('DENY');
		expect(h.get('content-security-policy')).toBe(API_CSP);
		expect(API_CSP).toContain("frame-ancestors 'none'");
	});

	it('keeps the page policy SvelteKit set (with its nonce)', () => {
		const h = new Headers({ 'content-security-policy': "script-src 'self' 'nonce-abc'" });
		applySecurityHeaders(h, new URL('http://localhost:3000/'));
		expect(h.get('content-security-policy')).toBe("script-src 'self' 'nonce-abc'");
	});

	it('sends HSTS over https only (production behind TLS), never on plain http', () => {
		const plain = new Headers();
		applySecurityHeaders(plain, new URL('http://192.168.1.20:3000/'));
		expect(plain.has('strict-transport-security')).toBe(false);
		const tls = new Headers();
		applySecurityHeaders(tls, new URL('https://isolation.example.org/login'));
		expect(tls.get('strict-transport-security')).toBe(HSTS);
		expect(HSTS).toMatch(/max-age=31536000/);
	});
});
