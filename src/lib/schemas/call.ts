/**
 * One phone follow-up call, as the call screen sends it. The values a reached resident gives are the
 * reading's fields; messages are codes, which pages translate.
 */
import { z } from 'zod';
import { SYMPTOMS } from '../domain/vitals';

export const CALL_OUTCOMES = ['reached', 'no_answer', 'busy', 'wrong_number', 'refused'] as const;

export const callNeedsSchema = z.object({
	medicine: z.boolean().default(false),
	supplies: z.boolean().default(false),
	psychological: z.boolean().default(false),
	/** What exactly is needed, in the clinician's words. */
	detail: z.string().trim().max(300).default('')
});

/** The longest key a call may have (see the reading it records). */
export const CALL_KEY_MAX = 95;

export const callSchema = z
	.object({
		stayId: z.uuid(),
		outcome: z.enum(CALL_OUTCOMES),
		temperature: z.number().min(30, 'range_30_45').max(45, 'range_30_45').nullable().optional(),
		spo2: z
			.number()
			.int('whole_number')
			.min(40, 'range_40_100')
			.max(100, 'range_40_100')
			.nullable()
			.optional(),
		symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length).default([]),
		needs: callNeedsSchema.default({ medicine: false, supplies: false, psychological: false, detail: '' }),
		note: z.string().trim().max(500).default(''),
		// The reading a reached call records takes this key with `call:` in front, within a reading's 100.
		idempotencyKey: z.string().min(8).max(CALL_KEY_MAX)
	})
	// Values come only from a resident who answered: a failed call with a temperature is a slip of the form.
	.refine(
		(c) =>
			c.outcome === 'reached' ||
			((c.temperature === null || c.temperature === undefined) &&
				(c.spo2 === null || c.spo2 === undefined) &&
				c.symptoms.length === 0),
		{ message: 'values_need_reached', path: ['outcome'] }
	);

export type CallInput = z.infer<typeof callSchema>;
export type CallNeeds = z.infer<typeof callNeedsSchema>;

/** The call screen's form: the stay comes from the page; the needs are flat checkboxes. */
export const callFormSchema = z.object({
	// Optional so that nothing is preselected (superforms would default an enum to its first value, and a
	// call saved without a choice would read "reached"); the action asks for it.
	outcome: z.enum(CALL_OUTCOMES).optional(),
	temperature: z.number().min(30, 'range_30_45').max(45, 'range_30_45').nullable().optional(),
	spo2: z.number().int('whole_number').min(40, 'range_40_100').max(100, 'range_40_100').nullable().optional(),
	symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length).default([]),
	needMedicine: z.boolean(),
	needSupplies: z.boolean(),
	needPsychological: z.boolean(),
	needDetail: z.string().trim().max(300).default(''),
	note: z.string().trim().max(500).default(''),
	/** Ticked once the form has asked about a value in the rare tails (vitals.rareTail). */
	confirmRare: z.boolean(),
	idempotencyKey: z.string().min(8).max(CALL_KEY_MAX)
});

export type CallFormInput = z.infer<typeof callFormSchema>;

/** The call a form describes, checked as every call is. */
export function callFromForm(stayId: string, f: CallFormInput) {
	return callSchema.safeParse({
		stayId,
		outcome: f.outcome,
		temperature: f.temperature ?? null,
		spo2: f.spo2 ?? null,
		symptoms: f.symptoms,
		needs: {
			medicine: f.needMedicine,
			supplies: f.needSupplies,
			psychological: f.needPsychological,
			detail: f.needDetail
		},
		note: f.note,
		idempotencyKey: f.idempotencyKey
	});
}

/** The call list's and the handover list's `?communityId=` filter: a community id or nothing. */
export const communityFilterSchema = z.object({
	communityId: z
		.uuid()
		.optional()
		.or(z.literal('').transform(() => undefined))
});

export function communityFilterOf(url: URL) {
	return communityFilterSchema.safeParse({ communityId: url.searchParams.get('communityId') ?? '' });
}

/** The call list's `?page=`: a bad or missing value is the first page, never an error. */
export function listPageOf(url: URL): number {
	return z.coerce
		.number()
		.int()
		.min(1)
		.max(10_000)
		.catch(1)
		.parse(url.searchParams.get('page') ?? 1);
}
