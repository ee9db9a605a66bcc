import { fail, redirect } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { acknowledgeSchema, resolveSchema } from '$lib/schemas/alerts';
import * as alerts from '$lib/server/alerts';
import { requireRole } from '$lib/server/auth/guard';
import * as t from '$lib/server/db/schema';
import { scopeSites } from '$lib/server/resident-list';
import type { Actions, PageServerLoad } from './$types';

// A bad filter value falls back to "any": a hand-edited URL never causes an error page.
const filter = z.object({
	siteId: z.uuid().optional().catch(undefined),
	kind: z.enum(t.alertKindEnum.enumValues).optional().catch(undefined),
	severity: z.enum(t.severityEnum.enumValues).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1)
});

const STAFF = ['admin', 'site_staff', 'clinician'] as const;

export const load: PageServerLoad = async (event) => {
	const principal = requireRole(event, ...STAFF);
	event.depends('app:alerts');
	const { page, ...f } = filter.parse(Object.fromEntries(event.url.searchParams));
	const [list, sites, ackForm, resolveForm] = await Promise.all([
		alerts.inbox(principal, f, { page }),
		scopeSites(principal),
		superValidate(zod4(acknowledgeSchema), { id: 'ack' }),
		superValidate(zod4(resolveSchema), { id: 'resolve' })
	]);
	const pages = Math.max(1, Math.ceil(list.totals.total / alerts.INBOX_PAGE_SIZE));
	// Past the end (alerts were resolved since the link was made): the last page there is.
	if (page > pages) {
		const to = new URL(event.url);
		to.searchParams.set('page', String(pages));
		redirect(303, `${to.pathname}${to.search}`);
	}
	const en = event.locals.locale === 'en';
	// What the page shows of each alert, and nothing else: a page of a hundred alerts is sent whole.
	const rows = list.rows.map((a) => ({
		id: a.id,
		kind: a.kind,
		severity: a.severity,
		status: a.status,
		triggerCount: a.triggerCount,
		firstTriggeredAt: a.firstTriggeredAt,
		lastTriggeredAt: a.lastTriggeredAt,
		escalatedAt: a.escalatedAt,
		lastValue: a.lastValue,
		acknowledgedAt: a.acknowledgedAt,
		acknowledgedBy: a.acknowledgedBy,
		acknowledgeNote: a.acknowledgeNote,
		residentId: a.residentId,
		name: a.name,
		site: en && a.siteCode ? a.siteCode : a.siteName,
		timeZone: a.timeZone,
		building: a.building,
		room: a.room
	}));
	return {
		filter: f,
		rows,
		totals: list.totals,
		page,
		pages,
		from: (page - 1) * alerts.INBOX_PAGE_SIZE + 1,
		sites,
		ackForm,
		resolveForm
	};
};

export const actions: Actions = {
	acknowledge: async (event) => {
		const principal = requireRole(event, ...STAFF);
		const form = await superValidate(event.request, zod4(acknowledgeSchema), { id: 'ack' });
		if (!form.valid) return fail(400, { ackForm: form });
		const result = await alerts.acknowledge(principal, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(
				form,
				'',
				result.error === 'not_found' ? m.inbox_not_found() : m.inbox_already_resolved(),
				{
					status: result.error === 'not_found' ? 404 : 409
				}
			);
		return message(form, result.changed ? m.inbox_acked() : m.inbox_already_acked({ name: result.by ?? '' }));
	},
	resolve: async (event) => {
		const principal = requireRole(event, ...STAFF);
		const form = await superValidate(event.request, zod4(resolveSchema), { id: 'resolve' });
		if (!form.valid) return fail(400, { resolveForm: form });
		const result = await alerts.resolve(principal, form.data, event.getClientAddress());
		if (!result.ok && result.error === 'outcome_required')
			return setError(form, 'outcome', 'outcome_required');
		if (!result.ok) return setError(form, '', m.inbox_not_found(), { status: 404 });
		return message(form, result.changed ? m.inbox_resolved() : m.inbox_already_resolved());
	}
};
