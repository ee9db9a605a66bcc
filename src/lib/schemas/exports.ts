/**
 * The export form (residents, readings or alerts of a site over a date range) and the daily report's
 * date. Dates are calendar dates in the site's zone; the range is checked here, scope and "not in the
 * future" by the use case, which knows the zone.
 */
import { z } from 'zod';

export const EXPORT_KINDS = ['residents', 'readings', 'alerts'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** The longest range one file covers. */
export const MAX_EXPORT_DAYS = 92;

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

export const exportSchema = z
	.object({
		siteId: z.uuid('site_required'),
		// Optional so that a missing choice is refused with a message rather than defaulted (superforms).
		kind: z.enum(EXPORT_KINDS, { message: 'kind_required' }).optional(),
		from: z.iso.date('date_invalid'),
		to: z.iso.date('date_invalid'),
		/** An admin may export ID numbers and phones unmasked, with a written reason (audited). */
		reveal: z.boolean().default(false),
		reason: z.string().trim().max(200, 'too_long').default('')
	})
	.superRefine((v, ctx) => {
		if (!v.kind) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'kind_required' });
		if (v.from && v.to && v.to < v.from)
			ctx.addIssue({ code: 'custom', path: ['to'], message: 'range_order' });
		else if (v.from && v.to && dayNumber(v.to) - dayNumber(v.from) + 1 > MAX_EXPORT_DAYS)
			ctx.addIssue({ code: 'custom', path: ['to'], message: 'range_too_long' });
		if (v.reveal && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'reason_required' });
	});

export type ExportInput = z.infer<typeof exportSchema>;
