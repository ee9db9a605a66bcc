import { redirect } from '@sveltejs/kit';
import { fail, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { createUserSchema } from '$lib/schemas/users';
import { requireRole } from '$lib/server/auth/guard';
import * as users from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const form = await superValidate(zod4(createUserSchema));
	form.data.role = 'site_staff';
	form.data.idempotencyKey = crypto.randomUUID();
	return { form, sites: await users.listSitesForAssignment() };
};

export const actions: Actions = {
	create: async (event) => {
		const principal = requireRole(event, 'admin');
		const form = await superValidate(event.request, zod4(createUserSchema));
		if (!form.valid) {
			form.data.password = '';
			return fail(400, { form });
		}
		const result = await users.createUser(principal, form.data, event.getClientAddress());
		if (!result.ok) {
			form.data.password = '';
			return setError(form, (result.field ?? 'username') as 'username', result.error);
		}
		redirect(303, `/admin/users/${result.value.id}?created=1`);
	}
};
