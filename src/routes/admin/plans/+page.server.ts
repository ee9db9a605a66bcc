import { requireRole } from '$lib/server/auth/guard';
import * as plans from '$lib/server/plans';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	return { plans: await plans.listPlans() };
};
