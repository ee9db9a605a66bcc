import { checkReportDate, yesterday } from '$lib/domain/dashboard';
import { requireRole } from '$lib/server/auth/guard';
import * as dashboard from '$lib/server/dashboard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const zone = await dashboard.mainZoneOf(principal);
	const now = new Date();
	const asked = event.url.searchParams.get('date');
	const check = checkReportDate(asked ?? yesterday(now, zone), now, zone);
	if (!check.ok) {
		return { report: null, error: check.error, date: asked, max: yesterday(now, zone) };
	}
	return {
		report: await dashboard.dailyReport(principal, check.date),
		error: null,
		date: check.date,
		max: yesterday(now, zone)
	};
};
