import { error, fail } from '@sveltejs/kit';
import { message, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { roundSchema, SLOTS } from '$lib/schemas/round';
import { requireSite, UUID_PATTERN } from '$lib/server/auth/guard';
import * as round from '$lib/server/round';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
	requireSite(event, event.params.siteId, 'stay:write');
	const q = event.url.searchParams;
	const slot = SLOTS.find((s) => s === q.get('slot'));
	const sheet = await round.roundSheet(event.params.siteId, { floors: q.getAll('floor'), slot });
	if (!sheet) error(404, 'Not found');
	const form = await superValidate(zod4(roundSchema), { id: 'round' });
	// A fresh key each time the sheet is shown: with the stay it keys every row of this round.
	form.data.roundKey = crypto.randomUUID();
	form.data.slot = sheet.slot;
	return { sheet, form };
};

export const actions: Actions = {
	save: async (event) => {
		const principal = requireSite(event, event.params.siteId, 'stay:write');
		if (!UUID_PATTERN.test(event.params.siteId)) error(404, 'Not found');
		const form = await superValidate(event.request, zod4(roundSchema), { id: 'round' });
		if (!form.valid) return fail(400, { form });
		const result = await round.saveRound(
			principal,
			{ siteId: event.params.siteId, ...form.data },
			event.getClientAddress()
		);
		// The rows went out as typed; only the answer comes back, so the page keeps what it holds.
		form.data.rows = [];
		return message(form, result);
	}
};
