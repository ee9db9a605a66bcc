import { requireRole } from '$lib/server/auth/guard';
import { siteSummaries } from '$lib/server/sites';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'site_staff');
	return { sites: await siteSummaries(principal, 'centralised') };
};
