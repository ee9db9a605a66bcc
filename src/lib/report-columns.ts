/**
 * The daily report's figures in the order of its tables and its CSV columns, with their names in the
 * reader's language. Shared by the report page and the CSV file so the two always agree.
 */
import { observingTotal, type SiteFigures } from './domain/dashboard';
import { m } from './paraglide/messages';

/** The report's columns, in the order of the printed table. */
export function reportColumns(): { key: string; label: string; value: (f: SiteFigures) => number }[] {
	return [
		{ key: 'observing', label: m.dash_col_observing(), value: observingTotal },
		{ key: 'centralised', label: m.dash_mode_centralised(), value: (f) => f.observing.centralised },
		{ key: 'home_isolation', label: m.dash_mode_home_isolation(), value: (f) => f.observing.home_isolation },
		{
			key: 'home_monitoring',
			label: m.dash_mode_home_monitoring(),
			value: (f) => f.observing.home_monitoring
		},
		{ key: 'admitted_today', label: m.dash_admitted_today(), value: (f) => f.admittedToday },
		{ key: 'released_today', label: m.dash_col_released_today(), value: (f) => f.releasedToday },
		{ key: 'released_total', label: m.dash_col_released_total(), value: (f) => f.releasedTotal },
		{ key: 'transferred_today', label: m.dash_col_transferred_today(), value: (f) => f.transferredToday },
		{ key: 'transferred_total', label: m.dash_col_transferred_total(), value: (f) => f.transferredTotal },
		{ key: 'close_contacts', label: m.dash_col_close_contacts(), value: (f) => f.closeContactsTotal },
		{ key: 'alerts_critical', label: m.dash_col_alerts_critical(), value: (f) => f.alerts.critical },
		{ key: 'alerts_warning', label: m.dash_col_alerts_warning(), value: (f) => f.alerts.warning },
		{ key: 'unreached', label: m.dash_col_unreached(), value: (f) => f.unreached },
		{ key: 'deliveries_overdue', label: m.dash_deliveries_overdue(), value: (f) => f.deliveriesOverdue },
		{ key: 'beds_taken', label: m.dash_col_beds_taken(), value: (f) => f.occupied },
		{ key: 'beds', label: m.dash_col_beds(), value: (f) => f.capacity },
		{ key: 'awaiting', label: m.dash_col_awaiting(), value: (f) => f.awaitingDisinfection },
		{ key: 'releases_due', label: m.dash_col_releases_due(), value: (f) => f.releasesDue }
	];
}
