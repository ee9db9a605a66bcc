/**
 * A ward round as the page sends it: the round's key (made when the page rendered), the slot walked, and
 * one entry per resident with what was typed. Values arrive as typed strings; the server reads and judges
 * each row on its own (src/lib/server/round.ts), so one typo never costs the rest of the round.
 */
import { z } from 'zod';
import { SYMPTOMS } from '../domain/vitals';

export const SLOTS = ['morning', 'evening', 'extra'] as const;

export const roundRowSchema = z.object({
	stayId: z.uuid(),
	temperature: z.string().max(12).default(''),
	spo2: z.string().max(12).default(''),
	symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length).default([]),
	door: z.boolean().default(false),
	confirmRare: z.boolean().default(false)
});

export const roundSchema = z.object({
	/** Made when the page renders; with the stay it keys each row, so a resubmitted round records once. */
	roundKey: z.string().regex(/^[0-9a-zA-Z-]{8,40}$/),
	slot: z.enum(SLOTS),
	rows: z.array(roundRowSchema).max(2000)
});

export type RoundRow = z.infer<typeof roundRowSchema>;
export type RoundForm = z.infer<typeof roundSchema>;
