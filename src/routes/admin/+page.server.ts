import { requireRole } from '$lib/server/auth/guard';
import { cityCounts } from '$lib/server/sites';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	return { counts: await cityCounts() };
};
