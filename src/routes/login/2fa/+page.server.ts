import { redirect } from '@sveltejs/kit';
import { fail, message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { safeNext } from '$lib/labels';
import { m } from '$lib/paraglide/messages';
import { recoveryCodeSchema, totpCodeSchema } from '$lib/schemas/auth';
import { setSessionCookie } from '$lib/server/auth/session';
import { verifySecondFactor, type VerifyResult } from '$lib/server/auth/two-factor';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The second sign-in step. Open only to a session that gave the right password and owes its code
 * (`locals.pendingSecondFactor`, set by the session hook); anyone else goes back to the sign-in page.
 */
function pending(event: Pick<RequestEvent, 'locals'>) {
	const p = event.locals.pendingSecondFactor;
	if (!p) redirect(303, event.locals.user ? '/' : '/login');
	return p;
}

export const load: PageServerLoad = async (event) => {
	const p = pending(event);
	return {
		username: p.username,
		totpForm: await superValidate(zod4(totpCodeSchema), { id: 'totp' }),
		recoveryForm: await superValidate(zod4(recoveryCodeSchema), { id: 'recovery' })
	};
};

function failureText(result: Extract<VerifyResult, { ok: false }>) {
	if (result.error === 'throttled')
		return m.login_throttled({ minutes: Math.max(1, Math.ceil((result.retryAfterSec ?? 60) / 60)) });
	return m.sec_code_invalid();
}

async function passed(event: RequestEvent, result: Extract<VerifyResult, { ok: true }>): Promise<never> {
	setSessionCookie(event.cookies, result.token, result.expiresAt, event.url.protocol === 'https:');
	redirect(303, safeNext(event.url.searchParams.get('next'), '/'));
}

export const actions: Actions = {
	totp: async (event) => {
		const p = pending(event);
		const form = await superValidate(event.request, zod4(totpCodeSchema), { id: 'totp' });
		if (!form.valid) return fail(400, { totpForm: form });
		const result = await verifySecondFactor(
			db(),
			{ id: p.sessionId, userId: p.userId },
			{ code: form.data.code, kind: 'totp' },
			event.getClientAddress()
		);
		form.data.code = '';
		if (!result.ok)
			return message(form, failureText(result), { status: result.error === 'throttled' ? 429 : 400 });
		return passed(event, result);
	},
	recovery: async (event) => {
		const p = pending(event);
		const form = await superValidate(event.request, zod4(recoveryCodeSchema), { id: 'recovery' });
		if (!form.valid) return fail(400, { recoveryForm: form });
		const result = await verifySecondFactor(
			db(),
			{ id: p.sessionId, userId: p.userId },
			{ code: form.data.code, kind: 'recovery' },
			event.getClientAddress()
		);
		form.data.code = '';
		if (!result.ok)
			return message(form, failureText(result), { status: result.error === 'throttled' ? 429 : 400 });
		return passed(event, result);
	}
};
