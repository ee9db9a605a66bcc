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
