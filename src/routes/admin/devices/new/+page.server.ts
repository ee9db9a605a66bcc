import { fail, message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { createDeviceTokenSchema } from '$lib/schemas/device';
import { requireRole } from '$lib/server/auth/guard';
import * as tokens from '$lib/server/devices/tokens';
import type { Actions, PageServerLoad } from './$types';

/** What the page shows once, after the token is made. */
export type Created = { name: string; token: string };

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const form = await superValidate<{ name: string; siteIds: string[]; idempotencyKey: string }, Created>(
		zod4(createDeviceTokenSchema)
	);
	form.data.idempotencyKey = crypto.randomUUID();
	return { form, sites: await tokens.listScopeSites() };
};

export const actions: Actions = {
	create: async (event) => {
		const principal = requireRole(event, 'admin');
		const form = await superValidate<{ name: string; siteIds: string[]; idempotencyKey: string }, Created>(
			event.request,
			zod4(createDeviceTokenSchema)
		);
		if (!form.valid) return fail(400, { form });
		const result = await tokens.createDeviceToken(principal, form.data, event.getClientAddress());
		if (!result.ok) return setError(form, result.field === 'siteIds' ? 'siteIds._errors' : '', result.error);
		// A clean form with a new key, so the next token is a new one; the token itself travels only in
		// this answer (never in a URL, which would land in logs and history).
		form.data = { name: '', siteIds: [], idempotencyKey: crypto.randomUUID() };
		return message(form, { name: result.value.name, token: result.value.token });
	}
};
