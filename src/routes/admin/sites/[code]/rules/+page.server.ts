import { error, fail } from '@sveltejs/kit';
import { message, setError, superValidate } from 'sveltekit-superforms';
import { zod4 } from 'sveltekit-superforms/adapters';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { thresholdsSchema } from '$lib/schemas/thresholds';
import { getSiteByCode } from '$lib/server/admin-sites';
import { requireRole } from '$lib/server/auth/guard';
import * as rules from '$lib/server/site-rules';
import type { Actions, PageServerLoad } from './$types';

async function loadSite(code: string) {
	const site = await getSiteByCode(code);
	if (!site) error(404, 'Not found');
	return site;
}

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const site = await loadSite(event.params.code);
	const current = (await rules.siteThresholds(site.id))!;
	const form = await superValidate(
		{ ...current.values, selfReport: current.selfReport, version: current.version },
		zod4(thresholdsSchema),
		{ errors: false }
	);
	return { site: { code: site.code, name: site.name, kind: site.kind }, form, defaults: rules.DEFAULTS };
};

const resetSchema = z.object({ version: z.coerce.number().int().min(0) });

export const actions: Actions = {
	save: async (event) => {
		const principal = requireRole(event, 'admin');
		const site = await loadSite(event.params.code);
		const form = await superValidate(event.request, zod4(thresholdsSchema));
		if (!form.valid) return fail(400, { form });
		const result = await rules.saveThresholds(principal, site.id, form.data, event.getClientAddress());
		if (!result.ok)
			return setError(form, '', result.error, { status: result.error === 'site_stale' ? 409 : 404 });
		form.data.version = result.version;
		return message(form, m.rules_saved());
	},
	reset: async (event) => {
		const principal = requireRole(event, 'admin');
		const site = await loadSite(event.params.code);
		const parsed = resetSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { resetError: 'site_stale' });
		const result = await rules.saveThresholds(
			principal,
			site.id,
			{ reset: true, version: parsed.data.version },
			event.getClientAddress()
		);
		if (!result.ok) return fail(result.error === 'site_stale' ? 409 : 404, { resetError: result.error });
		return { reset: true };
	}
};
