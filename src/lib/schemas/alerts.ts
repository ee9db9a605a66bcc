/** Acknowledging and resolving an alert (DESIGN §3, Alerts). */
import { z } from 'zod';

/** What staff may record as the end of an alert; `late_reading` is the system's own. */
export const STAFF_OUTCOMES = [
	'rechecked_normal',
	'treated_on_site',
	'transferred_hospital',
	'false_reading'
] as const;

export const acknowledgeSchema = z.object({
	alertId: z.uuid(),
	note: z.string().trim().max(500, 'note_too_long').default('')
});

export const resolveSchema = z.object({
	alertId: z.uuid(),
	// Optional in shape, so that a form sent without a choice is not given the first outcome by default;
	// resolving refuses it with `outcome_required`.
	outcome: z.enum(STAFF_OUTCOMES, { message: 'outcome_required' }).optional(),
	note: z.string().trim().max(500, 'note_too_long').default('')
});

export type AcknowledgeInput = z.infer<typeof acknowledgeSchema>;
export type ResolveInput = z.infer<typeof resolveSchema>;
