/**
 * One reading, as forms and the device API send it. Ranges are DESIGN §3's accepted ranges; messages
 * are codes naming the range, which pages translate.
 */
import { z } from 'zod';
import { CONSCIOUSNESS, SYMPTOMS } from '../domain/vitals';

const measure = (min: number, max: number, int = true) =>
	(int ? z.number().int('whole_number') : z.number())
		.min(min, `range_${min}_${max}`)
		.max(max, `range_${min}_${max}`)
		.nullable()
		.optional();

const readingFields = {
	stayId: z.uuid(),
	/** ISO 8601 with an offset; a form may leave it out for "now". */
	takenAt: z.iso.datetime({ offset: true, message: 'taken_at_offset' }).optional(),
	source: z.enum(['staff_round', 'phone', 'self_report', 'device']),
	temperature: measure(30, 45, false),
	spo2: measure(40, 100),
	spo2Scale: z.union([z.literal(1), z.literal(2)]).optional(),
	onOxygen: z.boolean().default(false),
	pulse: measure(20, 250),
	respRate: measure(4, 80),
	systolicBp: measure(40, 300),
	diastolicBp: measure(20, 200),
	consciousness: z.enum(CONSCIOUSNESS).nullable().optional(),
	symptoms: z.array(z.enum(SYMPTOMS)).max(SYMPTOMS.length).default([]),
	note: z.string().trim().max(500).optional(),
	idempotencyKey: z.string().min(8).max(100)
};

/** At least one value or symptom: an empty reading is not a reading. */
export const hasValue = (r: {
	temperature?: number | null;
	spo2?: number | null;
	pulse?: number | null;
	respRate?: number | null;
	systolicBp?: number | null;
	diastolicBp?: number | null;
	consciousness?: string | null;
	symptoms: string[];
}) =>
	[r.temperature, r.spo2, r.pulse, r.respRate, r.systolicBp, r.diastolicBp, r.consciousness].some(
		(v) => v !== null && v !== undefined
	) || r.symptoms.length > 0;

export const readingSchema = z
	.object(readingFields)
	.refine(hasValue, { message: 'empty_reading', path: ['temperature'] });

export type ReadingInput = z.infer<typeof readingSchema>;

/**
 * The single-reading form: the stay comes from the page, the time is now; values in the rare tails
 * (temperature under 35.0 or over 41.0, SpO2 under 80) need a second confirmation to catch typos
 * without refusing real extremes.
 */
export const readingFormSchema = z
	.object({
		...readingFields,
		stayId: z.string().max(64).optional(),
		source: z.enum(['staff_round', 'phone']),
		confirmRare: z.boolean()
	})
	.refine(hasValue, { message: 'empty_reading', path: ['temperature'] });
