import { error } from '@sveltejs/kit';
import { appConfig } from '$lib/server/app';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import * as deliveries from '$lib/server/deliveries';
import { bulkAction, stepAction } from '$lib/server/delivery-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	const principal = requireSite(event, event.params.siteId, 'site:read');
	// Delivery changes in scope (the layout's live connection) reload the list.
	event.depends('app:deliveries');
	const list = await deliveries.worklist(event.params.siteId, appConfig().DELIVERY_OVERDUE_HOURS);
	if (!list) error(404, 'Not found');
	return { list, role: principal.role, now: new Date() };
};

export const actions: Actions = {
	step: async (event) => {
		if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
		const principal = requireSite(event, event.params.siteId, 'stay:write');
		return stepAction(event, principal);
	},
	bulk: async (event) => {
		if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
		const principal = requireSite(event, event.params.siteId, 'stay:write');
		return bulkAction(event, principal, event.params.siteId);
	}
};
