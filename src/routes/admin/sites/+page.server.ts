import { z } from 'zod';
import { SITE_KINDS } from '$lib/schemas/sites';
import * as sites from '$lib/server/admin-sites';
import { requireRole } from '$lib/server/auth/guard';
import type { PageServerLoad } from './$types';

const filter = z.object({
	q: z.string().trim().max(64).optional().catch(undefined),
	kind: z.enum(SITE_KINDS).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const f = filter.parse(Object.fromEntries(event.url.searchParams));
	return { filter: f, sites: await sites.listSites({ q: f.q || undefined, kind: f.kind }) };
};
