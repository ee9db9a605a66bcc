/** The daily report as a CSV table: one row per site, then the total, with the report's date and zone. */
import { reportColumns } from '../../report-columns';
import { m } from '../../paraglide/messages';
import { toCsv, type Cell } from '../csv';
import type { DailyReport } from './index';

export function reportCsv(
	report: DailyReport,
	siteName: (s: { name: string; nameEn: string | null }) => string
) {
	const columns = reportColumns();
	const kind = { centralised: m.site_kind_centralised, community: m.site_kind_community };
	const rows: Cell[][] = report.sites.map((s) => [
		siteName(s),
		kind[s.kind](),
		...columns.map((c) => c.value(s.figures))
	]);
	rows.push([m.dash_total(), '', ...columns.map((c) => c.value(report.total))]);
	return toCsv([m.dash_col_site(), m.dash_col_kind(), ...columns.map((c) => c.label)], rows);
}
