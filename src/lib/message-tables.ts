/**
 * Message tables keyed by code, for text chosen at run time (an error code from the server, a symptom
 * code from a reading). Every entry names its message, so the bundler ships only the messages a page
 * uses: indexing the whole message namespace by a computed key (m[`sym_${code}`]) would pull every
 * message of the app, in both languages, into every page. A code missing here falls back to the
 * caller's default, so add new codes when their messages are added.
 */
import { m } from '$lib/paraglide/messages';

export type MessageTable = Readonly<Record<string, (() => string) | undefined>>;

/** Admission and reading field errors by code (adm_err_*). */
export const admErrorText: MessageTable = {
	required: m.adm_err_required,
	own_2fa: m.adm_err_own_2fa,
	not_enrolled: m.adm_err_not_enrolled,
	too_long: m.adm_err_too_long,
	id_format: m.adm_err_id_format,
	id_date: m.adm_err_id_date,
	id_future: m.adm_err_id_future,
	id_check: m.adm_err_id_check,
	phone_invalid: m.adm_err_phone_invalid,
	date_invalid: m.adm_err_date_invalid,
	date_future: m.adm_err_date_future,
	plan_unknown: m.adm_err_plan_unknown,
	room_required: m.adm_err_room_required,
	room_unknown: m.adm_err_room_unknown,
	room_unavailable: m.adm_err_room_unavailable,
	room_full: m.adm_err_room_full,
	community_unknown: m.adm_err_community_unknown,
	site_not_allowed: m.adm_err_site_not_allowed,
	already_active: m.adm_err_already_active,
	duplicate_in_file: m.adm_err_duplicate_in_file,
	no_room_left: m.adm_err_no_room_left,
	site_unknown: m.adm_err_site_unknown,
	site_required: m.adm_err_site_required,
	site_ambiguous: m.adm_err_site_ambiguous,
	community_ambiguous: m.adm_err_community_ambiguous,
	plan_ambiguous: m.adm_err_plan_ambiguous,
	id_type_unknown: m.adm_err_id_type_unknown,
	id_scientific: m.adm_err_id_scientific,
	category_unknown: m.adm_err_category_unknown,
	boolean_invalid: m.adm_err_boolean_invalid,
	rare_confirm: m.adm_err_rare_confirm,
	range_30_45: m.adm_err_range_30_45,
	range_40_100: m.adm_err_range_40_100,
	range_20_250: m.adm_err_range_20_250,
	range_4_80: m.adm_err_range_4_80,
	range_40_300: m.adm_err_range_40_300,
	range_20_200: m.adm_err_range_20_200,
	whole_number: m.adm_err_whole_number,
	empty_reading: m.adm_err_empty_reading,
	stay_ended: m.adm_err_stay_ended
};

// The resident portal's own tables live apart, so that the portal's first page load brings only them.
export { portalErrorText, symptomText } from '$lib/self-report-text';

/** A test's state (test_state_*). */
export const testStateText: MessageTable = {
	not_sampled: m.test_state_not_sampled,
	no_result: m.test_state_no_result,
	invalid: m.test_state_invalid,
	positive: m.test_state_positive,
	negative: m.test_state_negative
};

/** Ward-round row errors by code (round_err_*). */
export const roundErrorText: MessageTable = {
	not_a_number: m.round_err_not_a_number,
	door_with_values: m.round_err_door_with_values,
	stay_not_found: m.round_err_stay_not_found,
	duplicate_row: m.round_err_duplicate_row
};

/** Follow-up call outcomes (call_outcome_*). */
export const callOutcomeText: MessageTable = {
	reached: m.call_outcome_reached,
	no_answer: m.call_outcome_no_answer,
	busy: m.call_outcome_busy,
	wrong_number: m.call_outcome_wrong_number,
	refused: m.call_outcome_refused
};

/** ACVPU levels (cons_*). */
export const consciousnessText: MessageTable = {
	A: m.cons_A,
	C: m.cons_C,
	V: m.cons_V,
	P: m.cons_P,
	U: m.cons_U
};

/** Where a reading came from (reading_source_*). */
export const readingSourceText: MessageTable = {
	staff_round: m.reading_source_staff_round,
	phone: m.reading_source_phone,
	self_report: m.reading_source_self_report,
	device: m.reading_source_device
};

/** Release errors by code (rel_err_*). */
export const releaseErrorText: MessageTable = {
	stale: m.rel_err_stale,
	stay_ended: m.rel_err_stay_ended,
	not_found: m.rel_err_not_found,
	blocked: m.rel_err_blocked,
	override_not_allowed: m.rel_err_override_not_allowed,
	override_reason_required: m.rel_err_override_reason_required,
	not_later: m.rel_err_not_later,
	bad_date: m.rel_err_bad_date,
	bad_days: m.rel_err_bad_days,
	range_1_60: m.rel_err_range_1_60,
	no_next_phase: m.rel_err_no_next_phase,
	phase_not_over: m.rel_err_phase_not_over,
	hospital_required: m.rel_err_hospital_required,
	in_future: m.rel_err_in_future,
	before_admission: m.rel_err_before_admission,
	reason_required: m.rel_err_reason_required,
	reason_too_long: m.rel_err_reason_too_long,
	outcome_required: m.rel_err_outcome_required,
	result_required: m.rel_err_result_required,
	already_sampled: m.rel_err_already_sampled,
	not_sampled: m.rel_err_not_sampled,
	already_resulted: m.rel_err_already_resulted,
	not_scheduled: m.rel_err_not_scheduled,
	ct_range: m.rel_err_ct_range,
	not_in_room: m.rel_err_not_in_room,
	room_required: m.rel_err_room_required,
	same_room: m.rel_err_same_room,
	room_unknown: m.rel_err_room_unknown,
	room_unavailable: m.rel_err_room_unavailable,
	room_full: m.rel_err_room_full,
	site_not_allowed: m.rel_err_site_not_allowed
};

/** Stay outcomes other than release (rel_outcome_*). */
export const outcomeText: MessageTable = {
	title: m.rel_outcome_title,
	kind: m.rel_outcome_kind,
	transferred_hospital: m.rel_outcome_transferred_hospital,
	absconded: m.rel_outcome_absconded,
	died: m.rel_outcome_died,
	moved_away: m.rel_outcome_moved_away,
	hospital: m.rel_outcome_hospital,
	at: m.rel_outcome_at,
	at_hint: m.rel_outcome_at_hint,
	reason: m.rel_outcome_reason,
	confirm: m.rel_outcome_confirm,
	done: m.rel_outcome_done
};

/** Why a full ID number or phone was shown, by code (sec_purpose_*; see schemas/reveal). */
export const purposeText: MessageTable = {
	contact_resident: m.sec_purpose_contact_resident,
	contact_emergency: m.sec_purpose_contact_emergency,
	verify_identity: m.sec_purpose_verify_identity,
	report_authority: m.sec_purpose_report_authority,
	correct_record: m.sec_purpose_correct_record
};
