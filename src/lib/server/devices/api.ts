/**
 * The device and call-robot API (issue 5 point 9): the active stays a token may see, and readings sent
 * by a device, which take the same path as every other reading (readings/record.ts). Answers are plain
 * data with a status; the routes only turn them into HTTP.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { news2Applies } from '../../domain/news2';
import { position, schedule } from '../../domain/plan';
import { deviceReadingBody, toReadingInput } from '../../schemas/device';
import { db } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { ageOn, recordReadingInTx, replay, type KeptAnswer, type RecordResult } from '../readings/record';
import type { Device } from './tokens';

export interface ApiStay {
	stayId: string;
	/** The site's or community's code. */
	site: string;
	room: string | null;
	phase: string | null;
	day: number;
	news2Applicable: boolean;
}

/** Active stays in the token's scope, in walking order: ids and plan position, no personal data. */
export async function activeStays(device: Device, now = new Date()): Promise<ApiStay[]> {
	if (!device.siteIds.length) return [];
	const rows = await db()
		.select({
			stayId: t.stays.id,
			site: t.sites.code,
			building: t.rooms.building,
			room: t.rooms.number,
			phaseIndex: t.stays.phaseIndex,
			planPhases: t.stays.planPhases,
			periodStart: t.stays.periodStart,
			extensions: t.stays.extensions,
			birthDate: t.residents.birthDate,
			pregnant: t.residents.pregnant
		})
		.from(t.stays)
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(and(inArray(t.stays.siteId, device.siteIds), eq(t.stays.status, 'active')))
		.orderBy(
			asc(t.sites.code),
			asc(t.rooms.building),
			asc(t.rooms.floor),
			asc(t.rooms.walkOrder),
			asc(t.rooms.number),
			asc(t.stays.admittedAt)
		);
	return rows.map((r) => ({
		stayId: r.stayId,
		site: r.site,
		room: r.room === null ? null : r.building ? `${r.building}-${r.room}` : r.room,
		phase: r.planPhases[r.phaseIndex]?.mode ?? null,
		day: position(schedule(r.periodStart, r.planPhases, r.extensions), now).day,
		news2Applicable: news2Applies({ age: ageOn(r.birthDate, now), pregnant: r.pregnant })
	}));
}

/** `{ "<field>": ["message", …] }`, with messages a person reading a device log understands. */
export type FieldErrors = Record<string, string[]>;

const FUTURE_SLACK_MS = 10 * 60_000;
const MAX_AGE_MS = 30 * 86_400_000;
const RANGE = /^range_(\d+)_(\d+)$/;

function describe(field: string, issue: z.core.$ZodIssue): string {
	const range = RANGE.exec(issue.message);
	if (range) {
		const [, min, max] = range;
		return field === 'temperature'
			? `temperature must be between ${min}.0 and ${max}.0 °C`
			: `${field} must be between ${min} and ${max}`;
	}
	switch (issue.message) {
		case 'whole_number':
			return `${field} must be a whole number`;
		case 'taken_at_offset':
			return 'takenAt must be an ISO 8601 date-time with an offset, e.g. 2026-11-24T08:30:00+08:00';
		case 'stay_or_id_number':
			return 'send either stayId or idNumber, not both';
		case 'empty_reading':
			return 'a reading needs at least one value or symptom';
	}
	if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
	return `${field}: ${issue.message}`;
}

function fieldErrors(error: z.ZodError): FieldErrors {
	const out: FieldErrors = {};
	for (const issue of error.issues) {
		const field = issue.path.length ? String(issue.path[0]) : 'body';
		(out[field] ??= []).push(describe(field, issue));
	}
	return out;
}

export type ReadingAnswer =
	| { status: 200 | 201; body: ReadingBody }
	| { status: 404; body: { message: string } }
	| { status: 409; body: { message: string } }
	| { status: 422; body: { errors: FieldErrors } };

type StoredReading = typeof t.readings.$inferSelect;

export interface ReadingBody {
	reading: Record<string, unknown>;
	news2: { total: number; anySingle3: boolean; risk: string } | null;
	alerts: { kind: string; severity: string; status: string }[];
}

/**
 * A device's keys live in their own namespace: two devices that both count their requests from 1
 * never collide, and one device cannot learn another's keys by replaying them.
 */
const keyFor = (device: Device, key: string) => `device:${device.id}:${key}`;

/** The reading as a device's answer shows it: what was stored, under the device's own key. */
function readingAnswer(r: Omit<StoredReading, 'createdAt'>, clientKey: string): ReadingBody['reading'] {
	return {
		id: r.id,
		stayId: r.stayId,
		takenAt: r.takenAt.toISOString(),
		slot: r.slot,
		slotDate: r.slotDate,
		source: r.source,
		temperature: r.temperature,
		spo2: r.spo2,
		spo2Scale: r.spo2Scale,
		onOxygen: r.onOxygen,
		pulse: r.pulse,
		respRate: r.respRate,
		systolicBP: r.systolicBp,
		diastolicBP: r.diastolicBp,
		consciousness: r.consciousness,
		symptoms: r.symptoms,
		idempotencyKey: clientKey
	};
}

function answerOf(result: Extract<RecordResult, { ok: true }>, clientKey: string): ReadingBody {
	return {
		reading: readingAnswer(result.reading, clientKey),
		news2: result.news2,
		alerts: result.alerts.map((a) => ({ kind: a.kind, severity: a.severity, status: a.status }))
	};
}

/**
 * The stay a body names, if it may be in the token's scope (else null: the caller says 404). A stayId
 * is checked against the scope where the reading is recorded, in the same statement that reads the stay.
 */
async function findStay(device: Device, body: z.infer<typeof deviceReadingBody>) {
	if (!device.siteIds.length) return null;
	if (body.stayId) return { id: body.stayId };
	// ID numbers are stored as the admission form writes them: trimmed, a mainland ID's final x upper-cased.
	const raw = body.idNumber!;
	const forms = [...new Set([raw, raw.toUpperCase()])];
	const stays = await db()
		.select({ id: t.stays.id })
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.where(
			and(
				inArray(t.residents.idNumber, forms),
				eq(t.stays.status, 'active'),
				inArray(t.stays.siteId, device.siteIds)
			)
		);
	if (stays.length > 1) return 'ambiguous' as const;
	return stays[0] ?? null;
}

/**
 * Records one reading sent by a device. Never throws on input: anything a client can send ends as
 * 201, 200 (a replay), 404, 409 or 422.
 */
export async function recordDeviceReading(
	device: Device,
	json: unknown,
	ip: string | null,
	now = new Date()
): Promise<ReadingAnswer> {
	if (json === null || typeof json !== 'object' || Array.isArray(json))
		return { status: 422, body: { errors: { body: ['the body must be a JSON object'] } } };
	const parsed = deviceReadingBody.safeParse(json);
	if (!parsed.success) return { status: 422, body: { errors: fieldErrors(parsed.error) } };
	const body = parsed.data;
	// A few minutes of clock drift are forgiven; a reading from the future, or from long before any
	// isolation that could still be running, is a device with a wrong clock.
	const takenAt = new Date(body.takenAt).getTime();
	if (takenAt > now.getTime() + FUTURE_SLACK_MS)
		return { status: 422, body: { errors: { takenAt: ['takenAt is in the future'] } } };
	if (takenAt < now.getTime() - MAX_AGE_MS)
		return { status: 422, body: { errors: { takenAt: ['takenAt is more than 30 days ago'] } } };
	const stay = await findStay(device, body);
	if (stay === 'ambiguous')
		return {
			status: 422,
			body: { errors: { idNumber: ['idNumber matches more than one active stay; send stayId'] } }
		};
	if (!stay) return { status: 404, body: { message: 'No such stay in this token’s scope' } };
	const input = toReadingInput(body, stay.id, keyFor(device, body.idempotencyKey));

	// A new key is the common case: straight to the write, which keeps this answer with the reading. A key
	// used already stores nothing and is answered from the first time below; a stay that has ended or is
	// out of scope since is checked for an earlier answer too, so a replay always gets the first answer.
	const keep: KeptAnswer = {
		tokenId: device.id,
		answer: (reading, news2) => ({ reading: readingAnswer(reading, body.idempotencyKey), news2 })
	};
	try {
		const result = await recordReadingInTx(
			db(),
			{ deviceId: device.id },
			input,
			ip,
			now,
			device.siteIds,
			keep
		);
		if (result.ok) return { status: 201, body: answerOf(result, body.idempotencyKey) };
		const earlier = await replayed(input, body.idempotencyKey);
		if (earlier) return earlier;
		if (result.error === 'stay_not_found')
			return { status: 404, body: { message: 'No such stay in this token’s scope' } };
		return { status: 404, body: { message: 'The stay has ended' } };
	} catch (e) {
		// A key used already, or the same key sent twice at the same moment: the first answer.
		if (pgConstraint(e) === 'readings_idempotency_key') {
			const again = await replayed(input, body.idempotencyKey);
			if (again) return again;
		}
		throw e;
	}
}

/** The first answer for a key already used, 409 when the body differs, or null for a new key. */
async function replayed(
	input: ReturnType<typeof toReadingInput>,
	clientKey: string
): Promise<ReadingAnswer | null> {
	const earlier = await replay(input);
	if (!earlier) return null;
	if (!earlier.ok)
		return { status: 409, body: { message: 'This idempotencyKey was used for a different reading' } };
	const [stored] = await db()
		.select({ answer: t.deviceReadings.answer })
		.from(t.deviceReadings)
		.where(eq(t.deviceReadings.readingId, earlier.reading.id));
	return { status: 200, body: (stored?.answer as ReadingBody | undefined) ?? answerOf(earlier, clientKey) };
}
