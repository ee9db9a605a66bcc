/**
 * The words of the resident's self-report form (the portal's home page): symptom names and the error
 * codes the form can get back. Apart from $lib/message-tables (which re-exports the tables) so that the
 * portal's first page load does not bring every error table of the app.
 */
import type { MessageTable } from '$lib/message-tables';
import { m } from '$lib/paraglide/messages';

/** Resident portal errors by code (pt_err_*). */
export const portalErrorText: MessageTable = {
	no_active_stay: m.pt_err_no_active_stay,
	not_allowed: m.pt_err_not_allowed,
	read_only: m.pt_err_read_only,
	key_conflict: m.pt_err_key_conflict,
	temperature_required: m.pt_err_temperature_required
};

/** Symptoms by code (sym_*). */
export const symptomText: MessageTable = {
	fever: m.sym_fever,
	dry_cough: m.sym_dry_cough,
	fatigue: m.sym_fatigue,
	sore_throat: m.sym_sore_throat,
	smell_taste_loss: m.sym_smell_taste_loss,
	diarrhoea: m.sym_diarrhoea,
	shortness_of_breath: m.sym_shortness_of_breath,
	muscle_ache: m.sym_muscle_ache,
	runny_nose: m.sym_runny_nose
};

/**
 * Every code the self-report action answers with: the portal's own, the reading ranges of the schema,
 * the rare-value confirmation and the refusals of the reading path. They read as $lib/labels' errorText
 * reads them (tested), without its tables of every other form.
 */
const selfReportErrors: MessageTable = {
	...portalErrorText,
	range_30_45: m.adm_err_range_30_45,
	range_40_100: m.adm_err_range_40_100,
	whole_number: m.adm_err_whole_number,
	rare_confirm: m.adm_err_rare_confirm,
	stay_ended: m.adm_err_stay_ended
};

/** The first error of a field (or of the form) as words; a code without words shows as it is. */
export function selfReportErrorText(code: string | readonly string[] | undefined | null): string | undefined {
	const c = Array.isArray(code) ? code[0] : (code as string | undefined | null);
	return c ? (selfReportErrors[c]?.() ?? c) : undefined;
}
