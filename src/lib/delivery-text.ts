/** Words for deliveries in the reader's language: states, kinds, steps, lines and refusals. */
import type { Tone } from '$lib/components/ui/types';
import type { DeliveryItem } from '$lib/schemas/delivery';
import { m } from '$lib/paraglide/messages';

export const deliveryStatusLabel: Record<string, () => string> = {
	requested: m.dlv_status_requested,
	approved: m.dlv_status_approved,
	packed: m.dlv_status_packed,
	out_for_delivery: m.dlv_status_out_for_delivery,
	delivered: m.dlv_status_delivered,
	received: m.dlv_status_received,
	cancelled: m.dlv_status_cancelled
};

export const deliveryStatusTone: Record<string, Tone> = {
	requested: 'warning',
	approved: 'info',
	packed: 'info',
	out_for_delivery: 'info',
	delivered: 'normal',
	received: 'normal',
	cancelled: 'neutral'
};

export const deliveryKindLabel: Record<string, () => string> = {
	medicine: m.dlv_kind_medicine,
	tcm: m.dlv_kind_tcm,
	supply: m.dlv_kind_supply
};

/** Who asked for it. */
export const sourceLabel: Record<string, () => string> = {
	staff: m.dlv_source_staff,
	resident: m.dlv_source_resident,
	call: m.dlv_source_call
};

/** The button that takes each step. */
export const stepLabel: Record<string, () => string> = {
	approve: m.dlv_step_approve,
	pack: m.dlv_step_pack,
	dispatch: m.dlv_step_dispatch,
	deliver: m.dlv_step_deliver,
	receive: m.dlv_step_receive,
	cancel: m.dlv_step_cancel
};

export const supplyLabel: Record<string, () => string> = {
	drinking_water: m.dlv_supply_drinking_water,
	toilet_paper: m.dlv_supply_toilet_paper,
	toiletries: m.dlv_supply_toiletries,
	rubbish_bags: m.dlv_supply_rubbish_bags,
	masks: m.dlv_supply_masks,
	disinfectant: m.dlv_supply_disinfectant,
	thermometer: m.dlv_supply_thermometer,
	sanitary_pads: m.dlv_supply_sanitary_pads
};

/** One line as staff read it: "阿莫西林胶囊 0.25g · 1 粒 每日三次 × 5 天 · 共 15 粒". */
export function itemText(i: DeliveryItem): string {
	const name = i.code ? (supplyLabel[i.code]?.() ?? i.name) : i.name;
	const how = [i.dose, i.frequency].filter(Boolean).join(' ');
	const parts = [
		[name, i.strength].filter(Boolean).join(' '),
		how && i.days
			? `${how} × ${m.dlv_days({ days: i.days })}`
			: how || (i.days ? m.dlv_days({ days: i.days }) : ''),
		i.quantity > 1 || i.unit ? m.dlv_quantity({ quantity: i.quantity, unit: i.unit ?? '' }) : ''
	];
	return parts.filter(Boolean).join(' · ');
}

/** The lines of a delivery, or its note when it has none (a resident's words, a call's need). */
export function summary(d: { items: DeliveryItem[]; note: string | null }): string {
	return d.items.length ? d.items.map(itemText).join('；') : (d.note ?? '—');
}

const errors: Record<string, () => string> = {
	not_found: m.dlv_err_not_found,
	stale: m.dlv_err_stale,
	illegal: m.dlv_err_illegal,
	not_allowed: m.dlv_err_not_allowed,
	reason_required: m.dlv_err_reason_required,
	stay_ended: m.dlv_err_stay_ended,
	kind_required: m.dlv_err_kind_required,
	allergy_unconfirmed: m.dlv_err_allergy_unconfirmed,
	no_need: m.dlv_err_no_need,
	key_conflict: m.dlv_err_key_conflict,
	read_only: m.dlv_err_read_only,
	nothing_selected: m.dlv_err_nothing_selected,
	nothing_requested: m.dlv_err_nothing_requested,
	medicines_required: m.dlv_err_medicines_required,
	item_name_required: m.dlv_err_item_name_required,
	items_required: m.dlv_err_items_required,
	too_many_items: m.dlv_err_too_many_items,
	range_days: m.dlv_err_range_days,
	range_quantity: m.dlv_err_range_quantity,
	whole_number: m.adm_err_whole_number,
	too_long: m.adm_err_too_long,
	bad_form: m.dlv_err_bad_form
};

export function deliveryErrorText(code: string | string[] | null | undefined): string | undefined {
	const c = Array.isArray(code) ? code[0] : code;
	if (!c) return undefined;
	return errors[c]?.() ?? c;
}

/** "Someone else changed it": who, and where it stands now, when known. */
export function staleText(detail: { status?: string; by?: string | null } | undefined): string {
	const status = detail?.status ? (deliveryStatusLabel[detail.status]?.() ?? detail.status) : null;
	if (status && detail?.by) return m.dlv_err_stale_by({ by: detail.by, status });
	if (status) return m.dlv_err_stale_now({ status });
	return m.dlv_err_stale();
}
