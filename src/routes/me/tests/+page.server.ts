import { requireRole } from '$lib/server/auth/guard';
import { portalTests } from '$lib/server/portal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	return { tests: principal.residentId ? await portalTests(principal.residentId) : null };
};
