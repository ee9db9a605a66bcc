import { z } from 'zod';

export const ROLES = ['admin', 'site_staff', 'clinician'] as const;

const username = z
	.string()
	.trim()
	.min(3, 'username_short')
	.max(32, 'username_long')
	.regex(/^[a-zA-Z0-9._-]+$/, 'username_chars');

const siteIds = z.array(z.uuid()).max(200).default([]);

/** Admin: a new staff account. The password is a first one: the user must change it at first sign-in. */
export const createUserSchema = z.object({
	username,
	displayName: z.string().trim().min(1, 'required').max(60),
	role: z.enum(ROLES),
	siteIds,
	password: z.string().min(1, 'required').max(128),
	idempotencyKey: z.string().min(8).max(64)
});

export const updateUserSchema = z.object({
	displayName: z.string().trim().min(1, 'required').max(60),
	role: z.enum(ROLES),
	siteIds,
	version: z.coerce.number().int().min(1)
});

export const changePasswordSchema = z
	.object({
		current: z.string().min(1, 'required').max(256),
		next: z.string().min(1, 'required').max(256),
		confirm: z.string().min(1, 'required').max(256)
	})
	.refine((v) => v.next === v.confirm, { path: ['confirm'], message: 'password_mismatch' });

export const auditFilterSchema = z.object({
	user: z.string().trim().max(64).optional(),
	resident: z.string().trim().max(64).optional(),
	entity: z.string().trim().max(40).optional(),
	from: z.iso.date().optional().catch(undefined),
	to: z.iso.date().optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});
