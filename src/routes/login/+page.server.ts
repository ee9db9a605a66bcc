import { redirect } from '@sveltejs/kit';
import { fail, message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { homeFor } from '$lib/domain/access';
import { safeNext } from '$lib/labels';
import { m } from '$lib/paraglide/messages';
import { residentLoginSchema, staffLoginSchema } from '$lib/schemas/auth';
import { loginResident, loginStaff, type LoginResult } from '$lib/server/auth/login';
import { setSessionCookie } from '$lib/server/auth/session';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

// Public by design: this is where people sign in.
export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next'), homeFor(locals.user.role)));
	const residentForm = await superValidate(zod4(residentLoginSchema), { id: 'resident' });
	// The admission slip's QR code opens this page with the phone and code filled in.
	const phone = url.searchParams.get('phone')?.slice(0, 32);
	const code = url.searchParams.get('code')?.slice(0, 32);
	if (phone) residentForm.data.phone = phone;
	if (code) residentForm.data.code = code;
	return {
		staffForm: await superValidate(zod4(staffLoginSchema), { id: 'staff' }),
		residentForm
	};
};

function failureText(result: Extract<LoginResult, { ok: false }>, invalid: string) {
	if (result.reason === 'throttled')
		return m.login_throttled({ minutes: Math.max(1, Math.ceil((result.retryAfterSec ?? 60) / 60)) });
	if (result.reason === 'expired') return m.login_code_expired();
	return invalid;
}

export const actions: Actions = {
	staff: async (event) => {
		const form = await superValidate(event.request, zod4(staffLoginSchema), { id: 'staff' });
		if (!form.valid) return fail(400, { staffForm: form });
		const result = await loginStaff(db(), form.data, {
			ip: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent')
		});
		// The password never travels back to the page.
		form.data.password = '';
		if (!result.ok) {
			const status = result.reason === 'throttled' ? 429 : 400;
			return message(form, failureText(result, m.login_invalid()), { status });
		}
		setSessionCookie(event.cookies, result.token, result.expiresAt, event.url.protocol === 'https:');
		const next = safeNext(event.url.searchParams.get('next'), homeFor(result.role));
		// The second factor comes before anything else, even a password change.
		if (result.secondFactor === 'verify') redirect(303, `/login/2fa?next=${encodeURIComponent(next)}`);
		if (result.mustChangePassword) redirect(303, '/account/password');
		redirect(303, result.secondFactor === 'enrol' ? '/account/security' : next);
	},
	resident: async (event) => {
		const form = await superValidate(event.request, zod4(residentLoginSchema), { id: 'resident' });
		if (!form.valid) return fail(400, { residentForm: form });
		const result = await loginResident(db(), form.data, {
			ip: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent')
		});
		form.data.code = '';
		if (!result.ok) {
			const status = result.reason === 'throttled' ? 429 : 400;
			return message(form, failureText(result, m.login_resident_invalid()), { status });
		}
		setSessionCookie(event.cookies, result.token, result.expiresAt, event.url.protocol === 'https:');
		redirect(303, safeNext(event.url.searchParams.get('next'), homeFor('resident')));
	}
};
