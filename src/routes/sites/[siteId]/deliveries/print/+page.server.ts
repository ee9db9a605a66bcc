import { error } from '@sveltejs/kit';
import type { DeliveryStatus } from '$lib/domain/delivery';
import { appConfig } from '$lib/server/app';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import * as deliveries from '$lib/server/deliveries';
import type { PageServerLoad } from './$types';

/** What each printed list holds: approved ones to pack; packed and sent out ones to take to the doors. */
const LISTS: Record<'packing' | 'delivery', DeliveryStatus[]> = {
	packing: ['approved'],
	delivery: ['packed', 'out_for_delivery']
};

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	requireSite(event, event.params.siteId, 'site:read');
	const which = event.url.searchParams.get('list') === 'delivery' ? 'delivery' : 'packing';
	const list = await deliveries.worklist(
		event.params.siteId,
		appConfig().DELIVERY_OVERDUE_HOURS,
		LISTS[which]
	);
	if (!list) error(404, 'Not found');
	return { list, which, now: new Date() };
};
