import { appConfig } from '$lib/server/app';
import { requireRole } from '$lib/server/auth/guard';
import * as deliveries from '$lib/server/deliveries';
import type { PageServerLoad } from './$types';

/** Where staff and clinicians start: their sites and communities with what is open in each. */
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	event.depends('app:deliveries');
	return { sites: await deliveries.worklistSites(principal, appConfig().DELIVERY_OVERDUE_HOURS) };
};
