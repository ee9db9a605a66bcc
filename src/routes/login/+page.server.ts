import { fail, superValidate, message } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { residentLoginSchema, staffLoginSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	staffForm: await superValidate(zod4(staffLoginSchema), { id: 'staff' }),
	residentForm: await superValidate(zod4(residentLoginSchema), { id: 'resident' })
});

// Sign-in itself arrives with accounts and sessions; until then the forms validate and say so.
export const actions: Actions = {
	staff: async ({ request }) => {
		const form = await superValidate(request, zod4(staffLoginSchema), { id: 'staff' });
		if (!form.valid) return fail(400, { staffForm: form });
		return message(form, m.login_not_ready(), { status: 503 });
	},
	resident: async ({ request }) => {
		const form = await superValidate(request, zod4(residentLoginSchema), { id: 'resident' });
		if (!form.valid) return fail(400, { residentForm: form });
		return message(form, m.login_not_ready(), { status: 503 });
	}
};
