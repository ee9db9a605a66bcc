/**
 * A resident's own check-in: temperature (required), SpO2 if they own an oximeter, symptoms. Values in
 * the rare tails ask for a second confirmation, as every reading form does (DESIGN §3 "Readings").
 */
import { z } from 'zod';
import { SYMPTOMS } from '../domain/vitals';

export const selfReportSchema = z.object({
	/** Nullable so the empty form shows an empty box, not 0; the action requires it. */
	temperature: z.number().min(30, 'range_30_45').max(45, 'range_30_45').nullable().optional(),
	spo2: z.number().int('whole_number').min(40, 'range_40_100').max(100, 'range_40_100').nullable().optional(),
	symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length).default([]),
	confirmRare: z.boolean().default(false),
	idempotencyKey: z.string().min(8).max(100)
});

export type SelfReportInput = z.infer<typeof selfReportSchema>;
