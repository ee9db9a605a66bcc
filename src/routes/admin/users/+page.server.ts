import { z } from 'zod';
import { requireRole } from '$lib/server/auth/guard';
import * as users from '$lib/server/users';
import type { PageServerLoad } from './$types';

const filter = z.object({
	q: z.string().trim().max(64).optional().catch(undefined),
	role: z.enum(['admin', 'site_staff', 'clinician']).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const f = filter.parse(Object.fromEntries(event.url.searchParams));
	return { filter: f, users: await users.listUsers({ q: f.q || undefined, role: f.role }) };
};
