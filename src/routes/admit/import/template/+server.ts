import { requireRole } from '$lib/server/auth/guard';
import { csvRefs } from '$lib/server/admission/bulk';
import { csvTemplate } from '$lib/server/admission/csv';
import type { RequestHandler } from './$types';

/** The CSV template, with this user's own community, plan and site in the example row. */
export const GET: RequestHandler = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const refs = await csvRefs(principal);
	const plan = refs.plans.find((p) => p.firstMode === 'centralised' && refs.sites.length) ?? refs.plans[0];
	const body = csvTemplate({
		community: refs.communities[0]?.code,
		plan: plan?.code,
		site: plan?.firstMode === 'centralised' ? (refs.sites[0]?.code ?? '') : ''
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="admission-template.csv"`,
			'cache-control': 'no-store'
		}
	});
};
