/**
 * Labels the app's shell and the resident portal show at start: a person's role and an isolation
 * phase. Apart from $lib/labels (which re-exports them) so that importing them does not bring every
 * error table of the app into the first page load.
 */
import { m } from '$lib/paraglide/messages';

export const roleLabel: Record<string, () => string> = {
	admin: m.role_admin,
	site_staff: m.role_site_staff,
	clinician: m.role_clinician,
	resident: m.role_resident
};

export const modeLabel: Record<string, () => string> = {
	centralised: m.mode_centralised,
	home_isolation: m.mode_home_isolation,
	home_monitoring: m.mode_home_monitoring
};
