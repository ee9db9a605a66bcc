import { redirect } from '@sveltejs/kit';
import { exportSchema } from '$lib/schemas/exports';
import { requireRole } from '$lib/server/auth/guard';
import { csvResponse } from '$lib/server/csv';
import { exportCsv } from '$lib/server/dashboard/exports';
import type { RequestHandler } from './$types';

/**
 * The export file. A plain form post (the hooks refuse it from another origin); bad input goes back to
 * the form with its values and reason, where the page shows the message beside the field.
 */
export const POST: RequestHandler = async (event) => {
	const principal = requireRole(event, 'admin', 'site_staff', 'clinician');
	const body = await event.request.formData().catch(() => new FormData());
	const raw = {
		siteId: String(body.get('siteId') ?? ''),
		kind: String(body.get('kind') ?? '') || undefined,
		from: String(body.get('from') ?? ''),
		to: String(body.get('to') ?? ''),
		reveal: body.get('reveal') === 'on' || body.get('reveal') === 'true',
		reason: String(body.get('reason') ?? '')
	};
	const back = (error?: string): never => {
		const params = new URLSearchParams({
			siteId: raw.siteId,
			kind: raw.kind ?? '',
			from: raw.from,
			to: raw.to,
			reveal: String(raw.reveal),
			reason: raw.reason
		});
		if (error) params.set('error', error);
		redirect(303, `/dashboard/exports?${params}`);
	};
	const parsed = exportSchema.safeParse(raw);
	if (!parsed.success || !parsed.data.kind) back();
	const input = parsed.data!;
	const result = await exportCsv(principal, { ...input, kind: input.kind! }, event.getClientAddress());
	if (!result.ok) back(result.error);
	const ok = result as Extract<typeof result, { ok: true }>;
	return csvResponse(ok.csv, ok.filename, ok.asciiName);
};
