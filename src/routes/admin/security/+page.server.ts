import { fail, message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { requireRole } from '$lib/server/auth/guard';
import * as twoFactor from '$lib/server/auth/two-factor';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

// No .default(true): an unchecked box must read as false (superforms).
const settingsSchema = z.object({ twoFactorAllStaff: z.boolean() });

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const settings = await twoFactor.readSecuritySettings(db());
	return { form: await superValidate(settings, zod4(settingsSchema), { errors: false }) };
};

export const actions: Actions = {
	save: async (event) => {
		const principal = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(settingsSchema));
		if (!form.valid) return fail(400, { form });
		await twoFactor.saveSecuritySettings(db(), principal, form.data, event.getClientAddress());
		return message(form, m.sec_settings_saved());
	}
};
