import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { bodyHasNul, formHasNul, isMultipart, readsBody, refuseNul, urlHasNul } from './nul-guard';

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

	it('reads text bodies as text and parses multipart ones', () => {
		expect(readsBody('multipart/form-data; boundary=x')).toBe(false);
		expect(isMultipart('multipart/form-data; boundary=x')).toBe(true);
		expect(isMultipart('Multipart/Form-Data')).toBe(true);
		expect(isMultipart('application/x-www-form-urlencoded')).toBe(false);
		expect(readsBody('application/x-www-form-urlencoded')).toBe(true);
		expect(readsBody('application/json')).toBe(true);
	});

	it('finds them in multipart text fields and file names, not in file content', () => {
		const form = (fill: (f: FormData) => void) => {
			const f = new FormData();
			f.set('note', '体温正常');
			fill(f);
			return f;
		};
		expect(formHasNul(form(() => {}))).toBe(false);
		expect(formHasNul(form((f) => f.set('name', 'a\u0000b')))).toBe(true);
		expect(formHasNul(form((f) => f.set('na\u0000me', 'x')))).toBe(true);
		// A file is bytes: NULs in it are its parser's business (the CSV import reports them by line).
		const binary = new File([new Uint8Array([0x50, 0x4b, 0x00, 0x00, 0x03])], 'residents.xlsx');
		expect(formHasNul(form((f) => f.set('file', binary)))).toBe(false);
		expect(formHasNul(form((f) => f.set('file', new File(['x'], 'a\u0000.csv'))))).toBe(true);
		// The text \u0000 typed into a field is six harmless characters...
		expect(formHasNul(form((f) => f.set('note', 'see \\u0000')))).toBe(false);
		// ...but in superforms' JSON field it is devalue's escape for a NUL.
		expect(formHasNul(form((f) => f.set('__superform_json', '[{"name":1},"a\\u0000b"]')))).toBe(true);
		expect(formHasNul(form((f) => f.set('__superform_json', '[{"name":1},"a\\\\u0000b"]')))).toBe(false);
	});
});

describe('the refuseNul hook', () => {
	const event = (request: Request, routeId = '/admin/users/new') =>
		({ request, url: new URL(request.url), route: { id: routeId } }) as unknown as RequestEvent;
	const multipart = (fields: Record<string, string | File>, headers: Record<string, string> = {}) => {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) body.set(k, v);
		return new Request('http://x/admin/users/new', { method: 'POST', body, headers });
	};
	const passThrough = async () => new Response('handled');

	it('refuses a multipart post with a NUL in a text field before the form sees it', async () => {
		let reached = false;
		const res = await refuseNul({
			event: event(multipart({ username: 'nurse\u0000', displayName: '王护士' })),
			resolve: async () => {
				reached = true;
				return new Response('handled');
			}
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({ message: 'The request contains a NUL character' });
		expect(reached).toBe(false);
	});

	it('answers an enhanced form post in the form of an action result, with a reason', async () => {
		const res = await refuseNul({
			event: event(
				multipart({ username: 'nurse\u0000' }, { 'x-sveltekit-action': 'true', 'accept-language': 'en' })
			),
			resolve: passThrough
		});
		expect(res.status).toBe(400);
		const body = (await res.json()) as { type: string; error: { message: string } };
		expect(body.type).toBe('error');
		expect(body.error.message).toMatch(/NUL/);
	});

	it('lets a multipart upload through with NULs in the file, and its body stays readable', async () => {
		const file = new File([new Uint8Array([0x00, 0x01, 0x00])], 'readings.bin');
		const req = multipart({ note: 'ok', file });
		const res = await refuseNul({
			event: event(req),
			resolve: async ({ request }) => {
				const form = await request.formData();
				return new Response(String((form.get('file') as File).size));
			}
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toBe('3');
	});

	it('leaves the readings endpoint to check its own body', async () => {
		const req = new Request('http://x/api/v1/readings', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"note":"a\\u0000"}'
		});
		const res = await refuseNul({ event: event(req, '/api/v1/readings'), resolve: passThrough });
		expect(await res.text()).toBe('handled');
	});
});
