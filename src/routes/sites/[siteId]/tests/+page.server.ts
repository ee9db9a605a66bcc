import { error } from '@sveltejs/kit';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import { siteName } from '$lib/server/sites';
import * as stays from '$lib/server/stays';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	requireSite(event, event.params.siteId, 'site:read');
	const site = await siteName(event.params.siteId);
	const due = await stays.testsDue(event.params.siteId);
	if (!site || !due) error(404, 'Not found');
	return { site, rows: due.rows };
};
