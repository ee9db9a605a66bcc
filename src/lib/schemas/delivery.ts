/**
 * Deliveries as forms send them: a prescription (staff), a resident's request (necessities or their
 * regular medicines), a step (approve … receive, cancel), a floor at once, a need from a call. Messages
 * are codes, which pages translate (`dlv_err_*`).
 */
import { z } from 'zod';
import { DELIVERY_KINDS, DELIVERY_STEPS } from '../domain/delivery';

/** The short list of necessities a resident can tick; the name is what the packing list prints. */
export const COMMON_SUPPLIES = [
	{ code: 'drinking_water', name: '饮用水' },
	{ code: 'toilet_paper', name: '卫生纸' },
	{ code: 'toiletries', name: '洗漱用品' },
	{ code: 'rubbish_bags', name: '垃圾袋' },
	{ code: 'masks', name: '口罩' },
	{ code: 'disinfectant', name: '消毒用品' },
	{ code: 'thermometer', name: '体温计' },
	{ code: 'sanitary_pads', name: '卫生巾' }
] as const;
export type SupplyCode = (typeof COMMON_SUPPLIES)[number]['code'];
const SUPPLY_CODES = COMMON_SUPPLIES.map((s) => s.code) as [SupplyCode, ...SupplyCode[]];

const text = (max: number) => z.string().trim().max(max, 'too_long').default('');

/** One line of a delivery: a medicine with how to take it, a TCM pack, or a necessity. */
export const deliveryItemSchema = z.object({
	name: z.string().trim().min(1, 'item_name_required').max(60, 'too_long'),
	/** A necessity from the short list, so pages can name it in the reader's language. */
	code: z.enum(SUPPLY_CODES).optional(),
	strength: text(30),
	dose: text(30),
	frequency: text(30),
	days: z.number().int('whole_number').min(1, 'range_days').max(90, 'range_days').nullable().optional(),
	quantity: z.number().int('whole_number').min(1, 'range_quantity').max(999, 'range_quantity'),
	unit: text(10)
});
export type DeliveryItem = z.infer<typeof deliveryItemSchema>;

export const emptyItem = (): DeliveryItem => ({
	name: '',
	strength: '',
	dose: '',
	frequency: '',
	days: null,
	quantity: 1,
	unit: ''
});

/** What staff and clinicians prescribe or order on the resident record. */
export const prescribeSchema = z.object({
	// Optional so that nothing is preselected; the action asks for it.
	kind: z.enum(DELIVERY_KINDS).optional(),
	items: z.array(deliveryItemSchema).min(1, 'items_required').max(20, 'too_many_items'),
	note: text(300),
	/** Ticked after the form showed the allergy matches: prescribe anyway. */
	confirmAllergy: z.boolean(),
	idempotencyKey: z.string().min(8).max(100)
});
export type PrescribeInput = z.infer<typeof prescribeSchema>;

/** The resident's necessities: ticks from the short list and/or free text. */
export const supplyRequestSchema = z
	.object({
		necessities: z.array(z.enum(SUPPLY_CODES)).max(SUPPLY_CODES.length).default([]),
		other: text(200),
		idempotencyKey: z.string().min(8).max(100)
	})
	.refine((r) => r.necessities.length > 0 || r.other.length > 0, {
		message: 'nothing_requested',
		path: ['other']
	});
export type SupplyRequestInput = z.infer<typeof supplyRequestSchema>;

/** The resident's regular medicines, as they would say them. */
export const medicineRequestSchema = z.object({
	medicines: z.string().trim().min(1, 'medicines_required').max(300, 'too_long'),
	idempotencyKey: z.string().min(8).max(100)
});
export type MedicineRequestInput = z.infer<typeof medicineRequestSchema>;

/** One step of one delivery, against the version the page showed. */
export const stepSchema = z.object({
	deliveryId: z.uuid(),
	version: z.number().int().min(1),
	step: z.enum(DELIVERY_STEPS),
	reason: text(200),
	idempotencyKey: z.string().min(8).max(100)
});
export type StepInput = z.infer<typeof stepSchema>;

/** A floor (or an address group) at once: each delivery with the version the list showed. */
export const bulkSchema = z.object({
	step: z.enum(['pack', 'dispatch', 'deliver']),
	entries: z
		.array(
			z.object({
				deliveryId: z.uuid(),
				version: z.number().int().min(1)
			})
		)
		.min(1, 'nothing_selected')
		.max(500),
	idempotencyKey: z.string().min(8).max(100)
});
export type BulkInput = z.infer<typeof bulkSchema>;

/** "Request from this need": a call's noted need of one kind becomes a request. */
export const fromCallSchema = z.object({
	callId: z.uuid(),
	kind: z.enum(['medicine', 'supply']),
	/**
	 * The stay (call screen) or resident (resident record) the page was about: a call of anyone else is
	 * not found there, even one in the user's scope.
	 */
	stayId: z.uuid().optional(),
	residentId: z.uuid().optional(),
	idempotencyKey: z.string().min(8).max(100)
});
export type FromCallInput = z.infer<typeof fromCallSchema>;

/** The "request from this need" form on the resident record and the call screen: a call and a kind. */
export const needFormSchema = fromCallSchema.pick({ callId: true, kind: true });

/** A need noted on a call, as the pages list it: with whether it has become a request. */
export interface CallNeed {
	callId: string;
	attemptedAt: Date;
	timeZone: string;
	kind: FromCallInput['kind'];
	detail: string | null;
	requested: boolean;
}

/** How the pages name one need of a call, in the action's answer and in their markup. */
export const needKey = (n: { callId: string; kind: string }) => `${n.callId}:${n.kind}`;
