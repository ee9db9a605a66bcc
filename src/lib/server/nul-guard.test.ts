import { describe, expect, it } from 'vitest';
import { bodyHasNul, readsBody, urlHasNul } from './nul-guard';

describe('NUL characters at the door', () => {
	it('finds them in query strings and paths, encoded or not', () => {
		expect(urlHasNul(new URL('http://x/residents?q=%00'))).toBe(true);
		expect(urlHasNul(new URL('http://x/residents/%00'))).toBe(true);
		expect(urlHasNul(new URL('http://x/residents?q=%2500'))).toBe(false);
		expect(urlHasNul(new URL('http://x/residents?q=张三'))).toBe(false);
	});

	it('finds them in form and JSON bodies, raw or escaped', () => {
		const form = 'application/x-www-form-urlencoded';
		expect(bodyHasNul(form, 'name=a%00b')).toBe(true);
		expect(bodyHasNul(form, 'name=a%2500b')).toBe(false);
		expect(bodyHasNul('application/json; charset=utf-8', '{"k":"a\\u0000b"}')).toBe(true);
		expect(bodyHasNul('application/json', '{"k":"a\u0000b"}')).toBe(true);
		// An escaped backslash followed by "u0000" is the text \u0000, not a NUL.
		expect(bodyHasNul('application/json', '{"k":"a\\\\u0000b"}')).toBe(false);
		expect(bodyHasNul('application/json', '{"k":"温度 37.5 😷"}')).toBe(false);
	});

	it('leaves multipart uploads to their own parsers', () => {
		expect(readsBody('multipart/form-data; boundary=x')).toBe(false);
		expect(readsBody('application/x-www-form-urlencoded')).toBe(true);
		expect(readsBody('application/json')).toBe(true);
	});
});
