import { error } from '@sveltejs/kit';
import { checkReportDate } from '$lib/domain/dashboard';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { requireRole } from '$lib/server/auth/guard';
import { csvResponse } from '$lib/server/csv';
import * as dashboard from '$lib/server/dashboard';
import { reportCsv } from '$lib/server/dashboard/report-csv';
import type { RequestHandler } from './$types';

/** The daily report as CSV (UTF-8 with BOM, so Excel shows the Chinese). */
export const GET: RequestHandler = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const zone = await dashboard.mainZoneOf(principal);
	const check = checkReportDate(event.url.searchParams.get('date'), new Date(), zone);
	if (!check.ok)
		error(400, check.error === 'date_invalid' ? m.dash_err_date_invalid() : m.dash_err_date_not_past());
	const report = await dashboard.dailyReport(principal, check.date);
	const en = getLocale() === 'en';
	const body = reportCsv(report, (s) => (en && s.nameEn ? s.nameEn : s.name));
	return csvResponse(
		body,
		`${m.dash_report_heading({ date: check.date })}.csv`,
		`daily-report-${check.date}.csv`
	);
};
