import { z } from 'zod';

/** Shared by the sign-in forms and, later, the JSON API. Messages are keys the page translates. */
export const staffLoginSchema = z.object({
	username: z.string().trim().min(1, 'required').max(64),
	password: z.string().min(1, 'required').max(256)
});

export const residentLoginSchema = z.object({
	phone: z.string().trim().min(1, 'required').max(32),
	code: z.string().trim().min(1, 'required').max(32)
});

/** The six digits an authenticator app shows (spaces ignored). */
export const totpCodeSchema = z.object({
	code: z
		.string()
		.transform((v) => v.replace(/\s/g, ''))
		.pipe(z.string().regex(/^\d{6}$/, 'totp_format'))
});

/** A one-time recovery code as printed (dashes and case do not matter). */
export const recoveryCodeSchema = z.object({
	code: z.string().trim().min(1, 'required').max(64)
});

/** Enrolment: the key the page made (hex) and the code the app shows for it. */
export const enrolSchema = totpCodeSchema.extend({
	key: z.string().regex(/^[0-9a-f]{40}$/, 'key_invalid')
});
