import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { cookieName, locales } from '$lib/paraglide/runtime';
import type { RequestHandler } from './$types';

const form = z.object({
	locale: z.enum(locales),
	// Only a path on this site: never an absolute or protocol-relative URL (no open redirect).
	redirectTo: z
		.string()
		.regex(/^\/(?![/\\])/)
		.max(2000)
		.catch('/')
});

/**
 * The language switch. A plain form post, so it works without JavaScript; the choice is kept in a
 * cookie for a year. Public: choosing a language needs no account.
 */
export const POST: RequestHandler = async ({ request, cookies }) => {
	const parsed = form.safeParse(Object.fromEntries(await request.formData()));
	if (!parsed.success) error(400, 'Unknown language');
	cookies.set(cookieName, parsed.data.locale, {
		path: '/',
		maxAge: 60 * 60 * 24 * 365,
		httpOnly: false,
		sameSite: 'lax'
	});
	redirect(303, parsed.data.redirectTo);
};
