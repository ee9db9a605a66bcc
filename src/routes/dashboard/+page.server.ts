import { requireRole } from '$lib/server/auth/guard';
import * as dashboard from '$lib/server/dashboard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	// Live: an alert or a stay changing in scope reloads the figures (server-sent events, see $lib/live).
	event.depends('app:alerts', 'app:stays');
	return { board: await dashboard.dashboard(principal), scopeAll: principal.role === 'admin' };
};
