/** Words for the site and room pages: kinds, room statuses, and the use cases' error codes. */
import { errorText } from '$lib/labels';
import { m } from '$lib/paraglide/messages';

export const siteKindLabel: Record<string, () => string> = {
	centralised: m.site_kind_centralised,
	community: m.site_kind_community
};

export const roomStatusLabel: Record<string, () => string> = {
	available: m.room_status_available,
	occupied: m.room_status_occupied,
	needs_disinfection: m.room_status_needs_disinfection,
	out_of_service: m.room_status_out_of_service
};

export const roomStatusTone = {
	available: 'normal',
	occupied: 'info',
	needs_disinfection: 'warning',
	out_of_service: 'neutral'
} as const;

const errors: Record<string, () => string> = {
	site_code_taken: m.site_err_code_taken,
	site_code_chars: m.site_err_code_chars,
	site_code_length: m.site_err_code_length,
	site_too_long: m.site_err_too_long,
	site_phone: m.site_err_phone,
	site_zone: m.site_err_zone,
	site_kind_locked_stays: m.site_err_kind_locked_stays,
	site_kind_locked_rooms: m.site_err_kind_locked_rooms,
	site_kind_locked_staff: m.site_err_kind_locked_staff,
	site_has_active_stays: m.site_err_active_stays,
	site_stale: m.site_err_stale,
	site_not_found: m.site_err_not_found,
	site_not_centralised: m.site_err_not_centralised,
	site_number: m.site_err_number,
	room_range: m.room_err_range,
	room_too_many: m.room_err_too_many,
	room_floor_range: m.room_err_floor_range,
	room_number_range: m.room_err_number_range,
	room_capacity_range: m.room_err_capacity_range,
	room_has_residents: m.room_err_has_residents,
	room_below_occupants: m.room_err_below_occupants,
	room_status_not_allowed: m.room_err_status_not_allowed,
	room_not_found: m.room_err_not_found,
	room_stale: m.room_err_stale
};

export function siteErrorText(code: string | string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return errors[c]?.() ?? errorText(c);
}
