import { error, fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { rareTailFields } from '$lib/domain/vitals';
import { m } from '$lib/paraglide/messages';
import { readingFormSchema } from '$lib/schemas/reading';
import { revealSchema } from '$lib/schemas/reveal';
import { recordReading } from '$lib/server/readings/record';
import { requireResident } from '$lib/server/auth/guard';
import * as alerts from '$lib/server/alerts';
import * as followUp from '$lib/server/follow-up';
import * as phoneForms from '$lib/server/phone-form';
import * as residents from '$lib/server/residents';
import type { Actions, PageServerLoad } from './$types';
import * as deliveryForms from './deliveries.server';
import * as stayActions from './stay-actions.server';
import { needAction, stepAction } from '$lib/server/delivery-forms';

export const load: PageServerLoad = async (event) => {
	const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:read');
	// Alert changes in scope (the layout's live connection) reload the stay's alerts and readings.
	event.depends('app:alerts');
	event.depends('app:deliveries');
	const record = await residents.viewResident(principal, residentId, event.getClientAddress());
	if (!record) error(404, 'Not found');
	const stayAlerts = record.chart ? await alerts.alertsOfStay(record.chart.stayId) : [];
	const readingForm = await superValidate(zod4(readingFormSchema), { id: 'reading' });
	readingForm.data.idempotencyKey = crypto.randomUUID();
	readingForm.data.source = 'staff_round';
	const stay = await stayActions.loadStayActions(principal, residentId);
	const tests = await stayActions.loadTests(residentId);
	const calls = await followUp.callHistory(residentId);
	const phoneForm = await phoneForms.phoneForm(record.version);
	const delivery = await deliveryForms.loadDeliveries(residentId, !!record.activeStayId);
	return { record, stayAlerts, readingForm, stay, tests, calls, phoneForm, delivery };
};

export const actions: Actions = {
	reveal: async (event) => {
		const { principal, residentId } = await requireResident(
			event,
			event.params.residentId,
			'resident:reveal'
		);
		const parsed = revealSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success)
			return fail(400, { revealError: String(parsed.error.issues[0]?.path[0] ?? 'field') });
		const value = await residents.revealField(
			principal,
			residentId,
			parsed.data.field,
			parsed.data.purpose,
			event.getClientAddress()
		);
		return { revealed: { field: parsed.data.field, value } };
	},
	recordReading: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		const form = await superValidate(event.request, zod4(readingFormSchema), { id: 'reading' });
		if (!form.valid) return fail(400, { readingForm: form });
		const stayId = await residents.activeStayId(residentId);
		if (!stayId) return setError(form, '', 'stay_ended');
		const { confirmRare, ...values } = form.data;
		const rare = rareTailFields(values);
		if (rare.length && !confirmRare) {
			for (const f of rare) setError(form, f, 'rare_confirm');
			return fail(400, { readingForm: form });
		}
		const result = await recordReading(principal, { ...values, stayId }, event.getClientAddress());
		if (!result.ok) return setError(form, '', result.error);
		const labels = m as unknown as Record<string, (() => string) | undefined>;
		const kinds = result.alerts
			.filter((a) => a.status !== 'resolved')
			.map((a) => labels[`alert_kind_${a.kind}`]?.() ?? a.kind);
		const fresh = await superValidate(zod4(readingFormSchema), { id: 'reading' });
		fresh.data.idempotencyKey = crypto.randomUUID();
		fresh.data.source = form.data.source;
		return message(
			fresh,
			kinds.length ? m.reading_saved_alert({ kinds: kinds.join('、') }) : m.reading_saved()
		);
	},
	correctPhone: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return phoneForms.correctPhoneAction(event, principal, residentId);
	},
	extend: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.extendAction(event, principal, residentId);
	},
	release: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.releaseAction(event, principal, residentId);
	},
	recordOutcome: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.outcomeAction(event, principal, residentId);
	},
	handOver: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.handoverAction(event, principal, residentId);
	},
	transfer: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.transferAction(event, principal, residentId);
	},
	recordSample: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.sampleAction(event, principal, residentId);
	},
	recordResult: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return stayActions.resultAction(event, principal, residentId);
	},
	prescribe: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return deliveryForms.prescribeAction(event, principal, residentId);
	},
	deliveryStep: async (event) => {
		const { principal } = await requireResident(event, event.params.residentId, 'stay:write');
		return stepAction(event, principal);
	},
	requestFromNeed: async (event) => {
		const { principal, residentId } = await requireResident(event, event.params.residentId, 'stay:write');
		return needAction(event, principal, { residentId });
	}
};
