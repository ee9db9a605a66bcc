/** Words for the app's codes, in the reader's language. */
import {
	admErrorText,
	outcomeText,
	purposeText,
	releaseErrorText,
	symptomText,
	testStateText
} from '$lib/message-tables';
import { m } from '$lib/paraglide/messages';

// Loaded at start by every page (the role in the header) and by the resident portal: kept apart so
// that those pages do not also bring this module's error tables.
export { modeLabel, roleLabel } from '$lib/shell-labels';

export const stayStatusLabel: Record<string, () => string> = {
	active: m.stay_status_active,
	released: m.stay_status_released,
	transferred_hospital: m.stay_status_transferred_hospital,
	absconded: m.stay_status_absconded,
	died: m.stay_status_died,
	moved_away: m.stay_status_moved_away
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
	outcome_required: m.inbox_err_outcome_required,
	note_too_long: m.inbox_err_note_too_long,
	device_sites_required: m.device_err_sites_required,
	device_already_created: m.device_err_already_created
};

export function errorText(code: string | string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return errors[c]?.() ?? admErrorText[c]?.() ?? c;
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

export const alertKindLabel: Record<string, () => string> = {
	fever: m.alert_kind_fever,
	hypoxia: m.alert_kind_hypoxia,
	news2: m.alert_kind_news2,
	red_vital: m.alert_kind_red_vital,
	symptom: m.alert_kind_symptom,
	missed_reading: m.alert_kind_missed_reading,
	unreachable: m.alert_kind_unreachable,
	positive_test: m.alert_kind_positive_test,
	delivery_overdue: m.alert_kind_delivery_overdue
};

export const severityLabel: Record<string, () => string> = {
	warning: m.severity_warning,
	critical: m.severity_critical
};

export const alertStatusLabel: Record<string, () => string> = {
	open: m.alert_status_open,
	acknowledged: m.alert_status_acknowledged,
	resolved: m.alert_status_resolved
};

export const outcomeLabel: Record<string, () => string> = {
	rechecked_normal: m.outcome_rechecked_normal,
	treated_on_site: m.outcome_treated_on_site,
	transferred_hospital: m.outcome_transferred_hospital,
	false_reading: m.outcome_false_reading,
	late_reading: m.outcome_late_reading,
	delivered: m.outcome_delivered
};

export const slotLabel: Record<string, () => string> = {
	morning: m.slot_morning,
	evening: m.slot_evening,
	extra: m.slot_extra
};

const symptomLabel = (code: unknown) => symptomText[String(code)]?.() ?? String(code);

/** What raised an alert, in a few words: its latest value as the alert engine stored it. */
export function alertValueText(kind: string, value: unknown): string {
	const v = (value ?? {}) as Record<string, unknown>;
	const parts: string[] = [];
	if (typeof v.temperature === 'number')
		parts.push(m.alert_value_temperature({ value: v.temperature.toFixed(1) }));
	if (typeof v.spo2 === 'number') parts.push(m.alert_value_spo2({ value: v.spo2 }));
	if (typeof v.total === 'number') parts.push(m.alert_value_news2({ total: v.total }));
	if (kind === 'red_vital') {
		if (typeof v.respRate === 'number') parts.push(`${m.reading_resp()} ${v.respRate}`);
		if (typeof v.systolicBp === 'number') parts.push(`${m.reading_sbp()} ${v.systolicBp}`);
		if (typeof v.pulse === 'number') parts.push(`${m.reading_pulse()} ${v.pulse}`);
		if (typeof v.consciousness === 'string') parts.push(`${m.reading_consciousness()} ${v.consciousness}`);
	}
	if (Array.isArray(v.symptoms) && v.symptoms.length) parts.push(v.symptoms.map(symptomLabel).join('、'));
	if (kind === 'missed_reading' && typeof v.slotDate === 'string') {
		parts.push(
			m.alert_value_missed({ date: v.slotDate.slice(5), slot: slotLabel[String(v.slot)]?.() ?? '' })
		);
		if (typeof v.misses === 'number' && v.misses > 1) parts.push(m.alert_value_misses({ count: v.misses }));
	}
	if (kind === 'unreachable' && v.reason === 'door') parts.push(m.alert_value_door());
	if (kind === 'unreachable' && typeof v.failures === 'number')
		parts.push(m.alert_value_calls({ count: v.failures }));
	if (kind === 'delivery_overdue' && typeof v.hours === 'number')
		parts.push(m.dlv_alert_value({ hours: v.hours }));
	return parts.join(' · ');
}

export const criterionLabel: Record<string, () => string> = {
	plan_time: m.rel_criterion_plan_time,
	tests: m.rel_criterion_tests,
	temperatures: m.rel_criterion_temperatures,
	alerts: m.rel_criterion_alerts
};

/** One reason a release is blocked, in words. */
export function blockText(b: {
	code: string;
	test?: { phaseIndex: number; day: number };
	count?: number;
	value?: number;
	kinds?: string[];
}): string {
	const test = b.test ? m.rel_test_ref({ phase: b.test.phaseIndex + 1, day: b.test.day }) : '';
	switch (b.code) {
		case 'plan_not_over':
			return m.rel_block_plan_not_over();
		case 'test_not_sampled':
			return m.rel_block_test_not_sampled({ test });
		case 'test_no_result':
			return m.rel_block_test_no_result({ test });
		case 'test_invalid':
			return m.rel_block_test_invalid({ test });
		case 'test_positive':
			return m.rel_block_test_positive({ test });
		case 'too_few_temperatures':
			return m.rel_block_too_few_temperatures({ count: b.count ?? 0 });
		case 'fever_last_24h':
			return m.rel_block_fever_last_24h({ value: (b.value ?? 0).toFixed(1) });
		case 'critical_alert_active':
			return m.rel_block_critical_alert_active({
				count: b.count ?? 1,
				kinds: (b.kinds ?? []).map((k) => alertKindLabel[k]?.() ?? k).join('、')
			});
		default:
			return b.code;
	}
}

/** Refusals of the stay's changes (release, extension, outcome, handover). */
export function stayErrorText(code: string | string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return releaseErrorText[c]?.() ?? errorText(c);
}

/** A history entry's particulars: an extension's reason and previous end, an outcome, a test result. */
export function eventDetailText(kind: string, data: unknown, format: (d: Date) => string): string {
	const d = (data ?? {}) as Record<string, unknown>;
	const when = (v: unknown) => (typeof v === 'string' ? format(new Date(v)) : '');
	switch (kind) {
		case 'extended':
			return m.ext_event_detail({
				reason: String(d.reason ?? ''),
				from: when(d.previousReleaseDueAt),
				to: when(d.releaseDueAt)
			});
		case 'released':
			return d.overridden ? m.rel_event_override({ reason: String(d.overrideReason ?? '') }) : '';
		case 'outcome':
			return [outcomeText[String(d.outcome)]?.(), d.hospital, d.reason].filter(Boolean).join(' · ');
		case 'room_transferred':
		case 'site_transferred':
			return m.tx_transfer_detail({
				from: String(d.fromRoom ?? ''),
				to: String(d.toRoom ?? ''),
				reason: String(d.reason ?? '')
			});
		case 'test_result':
			return m.test_event_detail({
				day: Number(d.day ?? 0),
				result: testStateText[String(d.result)]?.() ?? String(d.result ?? '')
			});
		default:
			return '';
	}
}

/** Why a full ID number or phone was shown (the reveal's purpose, kept in the audit row). */
export function purposeLabel(purpose: string): string {
	return purposeText[purpose]?.() ?? purpose;
}
