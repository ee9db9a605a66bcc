import { z } from 'zod';
import { requireRole } from '$lib/server/auth/guard';
import { scopeSites, searchResidents } from '$lib/server/resident-list';
import * as t from '$lib/server/db/schema';
import type { PageServerLoad } from './$types';

// Every filter falls back to "any" on a bad value: a hand-edited URL never causes an error page.
const filter = z.object({
	q: z.string().trim().max(40).optional().catch(undefined),
	siteId: z.uuid().optional().catch(undefined),
	mode: z.enum(['centralised', 'home_isolation', 'home_monitoring']).optional().catch(undefined),
	status: z.enum(t.stayStatusEnum.enumValues).optional().catch(undefined),
	category: z.enum(t.categoryEnum.enumValues).optional().catch(undefined),
	due: z.enum(['today', 'tomorrow']).optional().catch(undefined),
	alert: z
		.enum(['1'])
		.optional()
		.catch(undefined)
		.transform((v) => v === '1'),
	sort: z.enum(['release', 'admitted', 'name', 'room']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const f = filter.parse(Object.fromEntries(event.url.searchParams));
	const [result, sites] = await Promise.all([searchResidents(principal, f), scopeSites(principal)]);
	return { filter: f, result, sites };
};
