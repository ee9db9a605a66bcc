/** Recording a scheduled test's sampling and its result (核酸/抗原, DESIGN §3 and clinical-rules §1.4). */
import { z } from 'zod';

const ct = z.number('ct_range').min(0, 'ct_range').max(50, 'ct_range').nullable().optional();

export const sampleSchema = z.object({
	stayId: z.uuid(),
	phaseIndex: z.number().int().min(0).max(20),
	phaseDay: z.number().int().min(1).max(120),
	kind: z.enum(['nat', 'antigen']).default('nat'),
	idempotencyKey: z.string().min(8).max(100)
});

export const resultSchema = z.object({
	testId: z.uuid(),
	version: z.number().int().min(1),
	// Optional in shape so that a form sent without a choice is refused, not given the first one.
	result: z.enum(['negative', 'positive', 'invalid'], { message: 'result_required' }).optional(),
	ctN: ct,
	ctOrf: ct,
	idempotencyKey: z.string().min(8).max(100)
});

export type SampleInput = z.infer<typeof sampleSchema>;
export type ResultInput = z.infer<typeof resultSchema>;
