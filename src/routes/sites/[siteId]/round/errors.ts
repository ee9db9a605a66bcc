/** A row's error as staff read it: the field, then what is wrong with it. */
import { errorText } from '$lib/labels';
import { roundErrorText } from '$lib/message-tables';
import { m } from '$lib/paraglide/messages';
import type { RowError } from '$lib/schemas/round';

const fieldName: Record<string, () => string> = {
	temperature: m.round_temperature,
	spo2: m.round_spo2,
	symptoms: m.round_col_symptoms,
	door: m.round_door
};

export function rowErrorText(e: RowError): string {
	const text = roundErrorText[e.code]?.() ?? errorText(e.code) ?? e.code;
	const field = fieldName[e.field];
	return field ? m.round_err_field({ field: field(), text }) : text;
}
