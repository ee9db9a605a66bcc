import { requireRole } from '$lib/server/auth/guard';
import { portalViews } from '$lib/server/portal';
import type { PageServerLoad } from './$types';

// The resident's own record only: the id comes from the session, never from the URL.
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	return { views: principal.residentId ? await portalViews(principal.residentId) : null };
};
