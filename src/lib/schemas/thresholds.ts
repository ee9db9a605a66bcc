/**
 * A site's alert thresholds (DESIGN §3 defaults, editable per site by admins). The bounds keep a typo from
 * silencing a rule: a fever line of 42 °C or an SpO2 warning at 60 % is refused.
 */
import { z } from 'zod';

const temp = (min: number, max: number) =>
	z.number({ message: 'number_required' }).min(min, `range_${min}_${max}`).max(max, `range_${min}_${max}`);
const spo2 = (min: number, max: number) =>
	z
		.number({ message: 'number_required' })
		.int('whole_number')
		.min(min, `range_${min}_${max}`)
		.max(max, `range_${min}_${max}`);

export const thresholdsSchema = z
	.object({
		fever: temp(37.0, 38.5),
		feverCritical: temp(38.0, 41.0),
		scale1Warning: spo2(88, 97),
		scale1Critical: spo2(80, 95),
		scale2Warning: spo2(80, 92),
		scale2Critical: spo2(75, 90),
		/** Residents may report their own readings from the portal. An unchecked box sends nothing. */
		selfReport: z.boolean().default(false),
		version: z.number().int().min(0)
	})
	.refine((v) => v.feverCritical > v.fever, { path: ['feverCritical'], message: 'critical_above_warning' })
	.refine((v) => v.scale1Critical < v.scale1Warning, {
		path: ['scale1Critical'],
		message: 'critical_below_warning'
	})
	.refine((v) => v.scale2Critical < v.scale2Warning, {
		path: ['scale2Critical'],
		message: 'critical_below_warning'
	});

export type ThresholdsInput = z.infer<typeof thresholdsSchema>;
