/** Words for the app's codes, in the reader's language. */
import { m } from '$lib/paraglide/messages';

export const roleLabel: Record<string, () => string> = {
	admin: m.role_admin,
	site_staff: m.role_site_staff,
	clinician: m.role_clinician,
	resident: m.role_resident
};

export const stayStatusLabel: Record<string, () => string> = {
	active: m.stay_status_active,
	released: m.stay_status_released,
	transferred_hospital: m.stay_status_transferred_hospital,
	absconded: m.stay_status_absconded,
	died: m.stay_status_died,
	moved_away: m.stay_status_moved_away
};

export const modeLabel: Record<string, () => string> = {
	centralised: m.mode_centralised,
	home_isolation: m.mode_home_isolation,
	home_monitoring: m.mode_home_monitoring
};

export const sexLabel: Record<string, () => string> = {
	male: m.sex_male,
	female: m.sex_female,
	unknown: m.sex_unknown
};

/** Error codes from the use cases, as messages; unknown codes fall back to the code itself. */
const errors: Record<string, () => string> = {
	password_too_short: m.password_too_short,
	password_too_long: m.password_too_long,
	password_common: m.password_common,
	password_same_as_username: m.password_same_as_username,
	password_unchanged: m.password_unchanged,
	password_mismatch: m.password_mismatch,
	wrong_password: m.password_wrong,
	required: m.field_required,
	username_taken: m.user_err_username_taken,
	username_short: m.user_err_username_short,
	username_long: m.user_err_username_long,
	username_chars: m.user_err_username_chars,
	sites_required: m.user_err_sites_required,
	wrong_site_kind: m.user_err_wrong_site_kind,
	admin_no_sites: m.user_err_admin_no_sites,
	unknown_site: m.user_err_unknown_site,
	own_role: m.user_err_own_role,
	own_account: m.user_err_own_account,
	stale: m.user_err_stale,
	not_found: m.user_err_not_found,
	device_sites_required: m.device_err_sites_required,
	device_already_created: m.device_err_already_created
};

const messages = m as unknown as Record<string, (() => string) | undefined>;

export function errorText(code: string | string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return errors[c]?.() ?? messages[`adm_err_${c}`]?.() ?? c;
}

export const categoryLabel: Record<string, () => string> = {
	close_contact: m.adm_category_close_contact,
	secondary_contact: m.adm_category_secondary_contact,
	inbound: m.adm_category_inbound,
	high_risk_area: m.adm_category_high_risk_area,
	other: m.adm_category_other
};

export const roomStatusLabel: Record<string, () => string> = {
	available: m.board_status_available,
	occupied: m.board_status_occupied,
	needs_disinfection: m.board_status_needs_disinfection,
	out_of_service: m.board_status_out_of_service
};

export const eventLabel: Record<string, () => string> = {
	admitted: m.rp_event_admitted,
	phase_changed: m.rp_event_phase_changed,
	handed_over: m.rp_event_handed_over,
	room_transferred: m.rp_event_room_transferred,
	site_transferred: m.rp_event_site_transferred,
	extended: m.rp_event_extended,
	test_scheduled: m.rp_event_test_scheduled,
	test_result: m.rp_event_test_result,
	released: m.rp_event_released,
	outcome: m.rp_event_outcome
};

/** A local path to go back to after sign-in; anything else falls back to the default. */
export function safeNext(next: string | null | undefined, fallback: string): string {
	return next && /^\/(?![/\\])/.test(next) ? next : fallback;
}
