import { redirect } from '@sveltejs/kit';
import { fail, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { createSiteSchema, DEFAULT_TIME_ZONE } from '$lib/schemas/sites';
import * as sites from '$lib/server/admin-sites';
import { requireRole } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const form = await superValidate(zod4(createSiteSchema));
	form.data.kind = 'centralised';
	form.data.timeZone = DEFAULT_TIME_ZONE;
	return { form };
};

export const actions: Actions = {
	create: async (event) => {
		const principal = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(createSiteSchema));
		if (!form.valid) return fail(400, { form });
		const result = await sites.createSite(principal, form.data, event.getClientAddress());
		if (!result.ok) return setError(form, (result.field || '') as 'code', result.error);
		redirect(303, `/admin/sites/${encodeURIComponent(result.value.code)}?created=1`);
	}
};
