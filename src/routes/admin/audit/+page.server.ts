import { auditFilterSchema } from '$lib/schemas/users';
import { searchAudit } from '$lib/server/audit';
import { requireRole } from '$lib/server/auth/guard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const parsed = auditFilterSchema.safeParse(Object.fromEntries(event.url.searchParams));
	const filter = parsed.success ? parsed.data : { page: 1 };
	const { rows, hasMore } = await searchAudit(filter);
	return { filter, rows, hasMore };
};
