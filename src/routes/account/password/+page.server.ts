import { fail, message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { changePasswordSchema } from '$lib/schemas/users';
import { requireRole } from '$lib/server/auth/guard';
import * as users from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

// Staff only: residents sign in with codes and have no password.
export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin', 'site_staff', 'clinician');
	return {
		forced: event.locals.user?.mustChangePassword ?? false,
		form: await superValidate(zod4(changePasswordSchema))
	};
};

export const actions: Actions = {
	change: async (event) => {
		const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
		const form = await superValidate(event.request, zod4(changePasswordSchema));
		const blank = () => Object.assign(form.data, { current: '', next: '', confirm: '' });
		if (!form.valid) {
			blank();
			return fail(400, { form });
		}
		const result = await users.changeOwnPassword(
			principal,
			event.locals.session!.id,
			form.data,
			event.getClientAddress()
		);
		blank();
		if (!result.ok) return setError(form, (result.field ?? 'next') as 'next', result.error);
		return message(form, m.password_saved());
	}
};
