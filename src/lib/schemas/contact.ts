/** Correcting a resident's phone after a call reached a wrong number. Messages are codes. */
import { z } from 'zod';
import { validatePhone } from '../domain/phone';

export const phoneCorrectionSchema = z.object({
	phone: z
		.string()
		.trim()
		.min(1, 'required')
		.max(30, 'phone_invalid')
		.refine((v) => validatePhone(v).ok, 'phone_invalid'),
	/** The resident's version when the form was shown: a correction over a newer change is refused. */
	version: z.number().int().min(1)
});

export type PhoneCorrection = z.infer<typeof phoneCorrectionSchema>;
