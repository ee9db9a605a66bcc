/**
 * The device API's request bodies and the admin's token form. The reading is the shared reading schema
 * seen from outside: the stay by id or by the resident's ID number, the time taken always with its
 * offset (a device's clock zone is never guessed), blood pressure spelled as the API documents it.
 */
import { z } from 'zod';
import { hasValue, readingSchema, type ReadingInput } from './reading';

const f = readingSchema.shape;

/** What a device sends, as documented in /api/v1/openapi.json. */
export const deviceReadingBody = z
	.object({
		stayId: f.stayId.optional(),
		idNumber: z.string().trim().min(1).max(40).optional(),
		takenAt: f.takenAt.unwrap(),
		source: f.source,
		temperature: f.temperature,
		spo2: f.spo2,
		spo2Scale: f.spo2Scale,
		onOxygen: f.onOxygen,
		pulse: f.pulse,
		respRate: f.respRate,
		systolicBP: f.systolicBp,
		diastolicBP: f.diastolicBp,
		consciousness: f.consciousness,
		symptoms: f.symptoms,
		idempotencyKey: f.idempotencyKey
	})
	// A misspelt field is refused rather than dropped: a device should learn that its pulse went nowhere.
	.strict()
	.refine((b) => (b.stayId === undefined) !== (b.idNumber === undefined), {
		message: 'stay_or_id_number',
		path: ['stayId']
	})
	.refine((b) => hasValue({ ...b, systolicBp: b.systolicBP, diastolicBp: b.diastolicBP }), {
		message: 'empty_reading',
		path: ['temperature']
	});

export type DeviceReadingBody = z.infer<typeof deviceReadingBody>;

/** The body as the one recording path takes it, once the stay is known. Key order is fixed (it is hashed). */
export function toReadingInput(b: DeviceReadingBody, stayId: string, idempotencyKey: string): ReadingInput {
	return {
		stayId,
		takenAt: b.takenAt,
		source: b.source,
		temperature: b.temperature,
		spo2: b.spo2,
		spo2Scale: b.spo2Scale,
		onOxygen: b.onOxygen,
		pulse: b.pulse,
		respRate: b.respRate,
		systolicBp: b.systolicBP,
		diastolicBp: b.diastolicBP,
		consciousness: b.consciousness,
		symptoms: b.symptoms,
		idempotencyKey
	};
}

/** Admin: a new device token, named and scoped to sites or communities. */
export const createDeviceTokenSchema = z.object({
	name: z.string().trim().min(1, 'required').max(60),
	siteIds: z.array(z.uuid()).min(1, 'device_sites_required').max(200),
	idempotencyKey: z.string().min(8).max(64)
});
