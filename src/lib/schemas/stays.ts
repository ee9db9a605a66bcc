/**
 * Changes to a stay: extension, release, other outcomes, handover (DESIGN §3). Each carries the stay's
 * version as the form saw it (a change made meanwhile refuses this one) and an idempotency key.
 */
import { z } from 'zod';

const guarded = {
	stayId: z.uuid(),
	version: z.number().int().min(1),
	idempotencyKey: z.string().min(8).max(100)
};

const reason = z.string().trim().min(1, 'reason_required').max(500, 'reason_too_long');

export const extendSchema = z.object({
	...guarded,
	mode: z.enum(['days', 'until']),
	days: z.number().int('whole_number').min(1, 'range_1_60').max(60, 'range_1_60').optional(),
	/** A calendar date in the site's zone, YYYY-MM-DD. */
	untilDate: z.iso.date('bad_date').optional().or(z.literal('')),
	reason
});

export const releaseSchema = z.object({
	...guarded,
	/** Only an admin may release a stay that does not meet the checklist, and only with a reason. */
	override: z.boolean().default(false),
	overrideReason: z.string().trim().max(500, 'reason_too_long').default('')
});

export const OUTCOMES = ['transferred_hospital', 'absconded', 'died', 'moved_away'] as const;

export const outcomeSchema = z.object({
	...guarded,
	outcome: z.enum(OUTCOMES, { message: 'outcome_required' }).optional(),
	/** Local date-time in the site's zone (datetime-local input), or empty for now. */
	occurredAt: z
		.string()
		.regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/, 'bad_date')
		.default(''),
	hospital: z.string().trim().max(200).default(''),
	reason
});

export const handoverSchema = z.object(guarded);

/** A move to another room, at the same site or another one. */
export const transferSchema = z.object({
	...guarded,
	roomId: z.uuid('room_required').optional().or(z.literal('')),
	reason
});

export type ExtendInput = z.infer<typeof extendSchema>;
export type ReleaseInput = z.infer<typeof releaseSchema>;
export type OutcomeInput = z.infer<typeof outcomeSchema>;
export type HandoverInput = z.infer<typeof handoverSchema>;
export type TransferInput = z.infer<typeof transferSchema>;
