import { encodeHexLowerCase } from '@oslojs/encoding';
import { redirect } from '@sveltejs/kit';
import { fail, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { enrolSchema, totpCodeSchema } from '$lib/schemas/auth';
import { requireRole } from '$lib/server/auth/guard';
import { setSessionCookie } from '$lib/server/auth/session';
import * as twoFactor from '$lib/server/auth/two-factor';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

const STAFF = ['admin', 'site_staff', 'clinician'] as const;

// Staff only: residents sign in with their slip's code and have no second factor.
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, ...STAFF);
	const status = (await twoFactor.twoFactorStatus(db(), principal.userId))!;
	const username = event.locals.user?.username ?? '';
	// A fresh key for enrolment travels in the form and is stored only once a code proves the app holds it.
	const key = status.enrolled ? null : twoFactor.generateTotpKey();
	const enrolForm = await superValidate(zod4(enrolSchema), { id: 'enrol', errors: false });
	if (key) enrolForm.data.key = encodeHexLowerCase(key);
	return {
		status,
		enrolment: key
			? { qr: await twoFactor.totpQrSvg(username, key), secret: twoFactor.keyForHumans(key) }
			: null,
		enrolForm,
		codeForm: await superValidate(zod4(totpCodeSchema), { id: 'code', errors: false }),
		disableForm: await superValidate(zod4(totpCodeSchema), { id: 'disable', errors: false })
	};
};

export const actions: Actions = {
	enrol: async (event) => {
		const principal = requireRole(event, ...STAFF);
		const form = await superValidate(event.request, zod4(enrolSchema), { id: 'enrol' });
		if (!form.valid) return fail(400, { enrolForm: form });
		const result = await twoFactor.enrol(
			db(),
			principal,
			event.locals.session!.id,
			form.data,
			event.getClientAddress()
		);
		form.data.code = '';
		if (!result.ok) return setError(form, result.error === 'code_invalid' ? 'code' : '', result.error);
		setSessionCookie(event.cookies, result.token, result.expiresAt, event.url.protocol === 'https:');
		return { enrolForm: form, recoveryCodes: result.recoveryCodes };
	},
	regenerate: async (event) => {
		const principal = requireRole(event, ...STAFF);
		const form = await superValidate(event.request, zod4(totpCodeSchema), { id: 'code' });
		if (!form.valid) return fail(400, { codeForm: form });
		const result = await twoFactor.regenerateRecoveryCodes(
			db(),
			principal,
			form.data.code,
			event.getClientAddress()
		);
		form.data.code = '';
		if (!result.ok) return setError(form, 'code', result.error);
		return { codeForm: form, recoveryCodes: result.recoveryCodes };
	},
	disable: async (event) => {
		const principal = requireRole(event, ...STAFF);
		const form = await superValidate(event.request, zod4(totpCodeSchema), { id: 'disable' });
		if (!form.valid) return fail(400, { disableForm: form });
		const result = await twoFactor.disableOwn(db(), principal, form.data.code, event.getClientAddress());
		form.data.code = '';
		if (!result.ok) return setError(form, 'code', result.error);
		// Turning it off ends every session, this one included: sign in again with the password alone.
		redirect(303, '/login');
	}
};
