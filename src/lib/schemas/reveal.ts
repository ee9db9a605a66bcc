/**
 * Showing a full ID number or phone is allowed for a stated purpose only, chosen from a short list so the
 * audit log can be read and counted (PIPL: purpose limitation). The purpose is kept in the audit row.
 */
import { z } from 'zod';

export const REVEALABLE = ['idNumber', 'phone', 'emergencyContactPhone'] as const;
export type RevealableField = (typeof REVEALABLE)[number];

export const REVEAL_PURPOSES = [
	'contact_resident',
	'contact_emergency',
	'verify_identity',
	'report_authority',
	'correct_record'
] as const;
export type RevealPurpose = (typeof REVEAL_PURPOSES)[number];

export const revealSchema = z.object({
	field: z.enum(REVEALABLE, { message: 'field_invalid' }),
	purpose: z.enum(REVEAL_PURPOSES, { message: 'purpose_required' })
});
