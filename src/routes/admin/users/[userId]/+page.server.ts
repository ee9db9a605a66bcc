import { error, fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { m } from '$lib/paraglide/messages';
import { updateUserSchema } from '$lib/schemas/users';
import { requireRole, UUID_PATTERN } from '$lib/server/auth/guard';
import * as twoFactor from '$lib/server/auth/two-factor';
import { db } from '$lib/server/db';
import * as users from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

async function loadUser(userId: string) {
	if (!UUID_PATTERN.test(userId)) error(404, 'Not found');
	const user = await users.getUser(userId);
	if (!user) error(404, 'Not found');
	return user;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const user = await loadUser(event.params.userId);
	const form = await superValidate(
		{
			displayName: user.displayName,
			role: user.role as 'admin',
			siteIds: user.siteIds,
			version: user.version
		},
		zod4(updateUserSchema),
		{ errors: false }
	);
	return {
		form,
		sites: await users.listSitesForAssignment(),
		user: {
			id: user.id,
			username: user.username,
			active: user.active,
			mustChangePassword: user.mustChangePassword,
			twoFactor: !!user.totpKey,
			isSelf: user.id === event.locals.user?.id
		},
		created: event.url.searchParams.has('created')
	};
};

export const actions: Actions = {
	save: async (event) => {
		const principal = requireRole(event, 'admin');
		const user = await loadUser(event.params.userId);
		const form = await superValidate(event.request, zod4(updateUserSchema));
		if (!form.valid) return fail(400, { form });
		const result = await users.updateUser(principal, user.id, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, (result.field ?? '') as 'role', result.error, {
				status: result.error === 'stale' ? 409 : 400
			});
		form.data.version += 1;
		return message(form, m.user_saved());
	},
	deactivate: async (event) => {
		const principal = requireRole(event, 'admin');
		const user = await loadUser(event.params.userId);
		const result = await users.setActive(principal, user.id, false, event.getClientAddress());
		if (!result.ok) return fail(400, { notice: result.error });
		return { notice: 'deactivated' };
	},
	reactivate: async (event) => {
		const principal = requireRole(event, 'admin');
		const user = await loadUser(event.params.userId);
		const result = await users.setActive(principal, user.id, true, event.getClientAddress());
		if (!result.ok) return fail(400, { notice: result.error });
		return { notice: 'reactivated' };
	},
	resetPassword: async (event) => {
		const principal = requireRole(event, 'admin');
		const user = await loadUser(event.params.userId);
		const result = await users.resetPassword(principal, user.id, event.getClientAddress());
		if (!result.ok) return fail(400, { notice: result.error });
		return { notice: 'reset', temporaryPassword: result.value };
	},
	/** For someone who lost both phone and recovery codes: they set it up again at their next sign-in. */
	resetTwoFactor: async (event) => {
		const principal = requireRole(event, 'admin');
		const user = await loadUser(event.params.userId);
		if (user.id === principal.userId) return fail(400, { notice: 'own_2fa' });
		if (!user.totpKey) return fail(400, { notice: 'not_enrolled' });
		await twoFactor.disable(db(), principal, user.id, event.getClientAddress());
		return { notice: '2fa_reset' };
	}
};
