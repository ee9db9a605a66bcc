import { appConfig } from '$lib/server/app';
import { requireRole } from '$lib/server/auth/guard';
import { portalHelp } from '$lib/server/portal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'resident');
	return { help: await portalHelp(principal.residentId, appConfig().PSYCH_SUPPORT_LINE) };
};
