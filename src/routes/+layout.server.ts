import type { LayoutServerLoad } from './$types';

// Only what the shell shows: who is signed in and in which role. Pages guard themselves.
export const load: LayoutServerLoad = async ({ locals }) => ({
	me: locals.user
		? {
				displayName: locals.user.displayName,
				role: locals.user.role,
				readOnly: locals.principal?.readOnly ?? false
			}
		: null
});
