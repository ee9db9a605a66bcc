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

/** What the server says about one row it could not save. */
export type RowField = 'temperature' | 'spo2' | 'symptoms' | 'door' | 'row';

export interface RowError {
	stayId: string;
	field: RowField;
	/** A message code: range_30_45, whole_number, not_a_number, rare_confirm, door_with_values, … */
	code: string;
}

export interface RoundResult {
	/** Rows stored by this submission. */
	saved: number;
	/** Rows this round had already stored (a resubmission): not stored again. */
	repeated: number;
	/** Alerts raised or updated by the saved rows, "did not answer the door" included. */
	alerts: number;
	/** Rows saved as "did not answer the door". */
	unreachable: number;
	errors: RowError[];
	/** The rows now done, with what was stored, for the page to mark. */
	done: { stayId: string; temperature: number | null; spo2: number | null; door: boolean }[];
}
