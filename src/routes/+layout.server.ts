import { activeCount } from '$lib/server/alerts';
import type { LayoutServerLoad } from './$types';

// Only what the shell shows: who is signed in, in which role, and (for staff) how many alerts are active.
// Pages guard themselves.
export const load: LayoutServerLoad = async ({ locals, depends }) => {
	const staff = locals.principal && locals.principal.role !== 'resident';
	if (staff) depends('app:alerts');
	return {
		me: locals.user
			? {
					displayName: locals.user.displayName,
					role: locals.user.role,
					readOnly: locals.principal?.readOnly ?? false
				}
			: null,
		alerts: staff ? await activeCount(locals.principal!) : null
	};
};
