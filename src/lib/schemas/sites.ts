/**
 * Sites (centralised isolation sites and communities) and their rooms, as the admin forms and the use
 * cases check them. Messages are codes; the pages turn them into words.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

export const SITE_KINDS = ['centralised', 'community'] as const;
export const ROOM_STATUSES = ['available', 'occupied', 'needs_disinfection', 'out_of_service'] as const;
/** The statuses an admin sets by hand; the others follow admissions, releases and cleaning. */
export const ADMIN_ROOM_STATUSES = ['available', 'out_of_service'] as const;
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** One bulk creation at most; a 500-room hotel is 25 floors of 20. */
export const MAX_BULK_ROOMS = 2000;

/**
 * The zone's canonical IANA name, or null. Fixed offsets ("UTC+8") and "local"/"system" are refused:
 * a site's days must follow its own zone's rules wherever the server runs.
 */
export function canonicalTimeZone(zone: string): string | null {
	const z = zone.trim();
	if (!z || /^(local|system)$/i.test(z)) return null;
	const dt = DateTime.local().setZone(z);
	if (!dt.isValid || dt.zone.type !== 'iana') return null;
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: z }).resolvedOptions().timeZone;
	} catch {
		return null;
	}
}

const optionalText = (max: number) => z.string().trim().max(max, 'site_too_long').default('');

export const siteFieldsSchema = z.object({
	code: z
		.string()
		.trim()
		.min(2, 'site_code_length')
		.max(32, 'site_code_length')
		.regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'site_code_chars'),
	kind: z.enum(SITE_KINDS, { error: 'required' }),
	name: z.string().trim().min(1, 'required').max(80, 'site_too_long'),
	nameEn: optionalText(120),
	district: optionalText(40),
	address: optionalText(200),
	phone: optionalText(30).refine((v) => v === '' || /^[0-9+\-() ]{3,30}$/.test(v), 'site_phone'),
	timeZone: z
		.string()
		.trim()
		.min(1, 'required')
		.max(64, 'site_zone')
		.refine((v) => canonicalTimeZone(v) !== null, 'site_zone')
		.default(DEFAULT_TIME_ZONE)
});

export type SiteFields = z.infer<typeof siteFieldsSchema>;

const version = z.number({ error: 'required' }).int().min(1);

export const createSiteSchema = siteFieldsSchema;
export const updateSiteSchema = siteFieldsSchema.extend({ version });
/** Deactivate and reactivate carry the version the admin saw, so a stale page changes nothing. */
export const siteVersionSchema = z.object({ version });

const whole = (min: number, max: number, range: string) =>
	z.number({ error: 'site_number' }).int('site_number').min(min, range).max(max, range);

/** "Floors A–B, rooms X–Y, capacity C": each room is numbered floor + two digits (floor 3, room 7 → 307). */
export const bulkRoomsSchema = z
	.object({
		building: z.string().trim().max(20, 'site_too_long').default(''),
		floorFrom: whole(1, 99, 'room_floor_range'),
		floorTo: whole(1, 99, 'room_floor_range'),
		roomFrom: whole(1, 99, 'room_number_range'),
		roomTo: whole(1, 99, 'room_number_range'),
		capacity: whole(1, 20, 'room_capacity_range').default(1)
	})
	.superRefine((v, ctx) => {
		if (v.floorFrom > v.floorTo) ctx.addIssue({ code: 'custom', path: ['floorTo'], message: 'room_range' });
		if (v.roomFrom > v.roomTo) ctx.addIssue({ code: 'custom', path: ['roomTo'], message: 'room_range' });
		const count = (v.floorTo - v.floorFrom + 1) * (v.roomTo - v.roomFrom + 1);
		if (count > MAX_BULK_ROOMS) ctx.addIssue({ code: 'custom', path: ['roomTo'], message: 'room_too_many' });
	});

export type BulkRooms = z.infer<typeof bulkRoomsSchema>;

/** The room number of a floor and its place on the floor: floor + two digits. */
export function roomNumber(floor: number, n: number): string {
	return `${floor}${String(n).padStart(2, '0')}`;
}

export const updateRoomSchema = z.object({
	roomId: z.uuid('room_not_found'),
	capacity: whole(1, 20, 'room_capacity_range'),
	status: z.enum(ROOM_STATUSES, { error: 'required' }),
	version
});

export type UpdateRoom = z.infer<typeof updateRoomSchema>;
