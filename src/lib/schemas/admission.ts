/**
 * One admission, as the form, the CSV import and (later) the API send it. Declared once; the server
 * validates again in the use case against the database (plan, room, scope, active stays).
 * Error messages are codes; pages translate them (src/lib/labels.ts).
 */
import { z } from 'zod';
import { validateResidentId } from '../domain/id-number';
import { validatePhone } from '../domain/phone';

export const ID_TYPES = ['resident_id', 'passport', 'other'] as const;
export const CATEGORIES = [
	'close_contact',
	'secondary_contact',
	'inbound',
	'high_risk_area',
	'other'
] as const;

const optionalText = (max: number) => z.string().trim().max(max, 'too_long').default('');

export const admissionSchema = z
	.object({
		name: z.string().trim().min(1, 'required').max(40, 'too_long'),
		idType: z.enum(ID_TYPES).default('resident_id'),
		idNumber: z.string().trim().min(1, 'required').max(32, 'too_long'),
		phone: z.string().trim().min(1, 'required').max(24, 'too_long'),
		emergencyContactName: optionalText(40),
		emergencyContactPhone: optionalText(24),
		homeAddress: z.string().trim().min(1, 'required').max(200, 'too_long'),
		/** The community that manages the resident at home (and takes them over after a centralised phase). */
		homeCommunityId: z.uuid('required'),
		category: z.enum(CATEGORIES),
		/** YYYY-MM-DD; empty when unknown. */
		exposureDate: z.union([z.iso.date('date_invalid'), z.literal('')]).default(''),
		sourceCaseRef: optionalText(60),
		pregnant: z.boolean().default(false),
		chronicDisease: z.boolean().default(false),
		immunosuppressed: z.boolean().default(false),
		allergies: optionalText(200),
		regularMedicines: optionalText(200),
		planId: z.uuid('required'),
		/** A clean free room, for a plan that starts with centralised isolation; empty for home plans. */
		roomId: z.union([z.uuid('required'), z.literal('')]).default(''),
		idempotencyKey: z.string().min(8).max(64)
	})
	.superRefine((v, ctx) => {
		if (v.idType === 'resident_id') {
			const id = validateResidentId(v.idNumber);
			if (!id.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: `id_${id.error}` });
		} else if (!/^[A-Za-z0-9-]{5,32}$/.test(v.idNumber)) {
			ctx.addIssue({ code: 'custom', path: ['idNumber'], message: 'id_format' });
		}
		if (!validatePhone(v.phone).ok)
			ctx.addIssue({ code: 'custom', path: ['phone'], message: 'phone_invalid' });
		if (v.emergencyContactPhone && !validatePhone(v.emergencyContactPhone).ok)
			ctx.addIssue({ code: 'custom', path: ['emergencyContactPhone'], message: 'phone_invalid' });
		// A day of leeway: "today" in the site's zone can be tomorrow in UTC.
		const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
		if (v.exposureDate && v.exposureDate > tomorrow)
			ctx.addIssue({ code: 'custom', path: ['exposureDate'], message: 'date_future' });
	});

export type AdmissionInput = z.infer<typeof admissionSchema>;
