import { superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { localDate } from '$lib/domain/dashboard';
import { exportSchema } from '$lib/schemas/exports';
import { requireRole } from '$lib/server/auth/guard';
import * as dashboard from '$lib/server/dashboard';
import type { PageServerLoad } from './$types';

/**
 * The export form. The file itself comes from ./download (a form action cannot answer with a file);
 * when that refuses the input it sends the browser back here with the values and the reason, and this
 * load validates them again so the form shows its messages beside the fields.
 */
export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const sites = await dashboard.sitesInScope(principal);
	const today = localDate(new Date(), sites[0]?.timeZone ?? 'Asia/Shanghai');
	const returned = event.url.searchParams.has('siteId');
	const form = returned
		? await superValidate(event.url, zod4(exportSchema))
		: await superValidate(zod4(exportSchema));
	if (!returned) {
		form.data.from = today;
		form.data.to = today;
		form.data.siteId = sites[0]?.id ?? '';
	}
	const refused = event.url.searchParams.get('error');
	return { form, sites, today, refused, canReveal: principal.role === 'admin' };
};
