/**
 * The ward round: the sheet staff walk with (every occupied room of the chosen floors in walking order,
 * one row per resident) and saving it (every good row in one transaction, each bad row reported with its
 * field, blank rows skipped, and each row once however often the round is sent).
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { can, type Principal } from '../domain/access';
import { thresholdsOfSettings } from '../domain/alert-rules';
import { position, schedule } from '../domain/plan';
import {
	doorContradiction,
	isBlankEntry,
	needsRareConfirm,
	parseMeasure,
	type RoundMeasure
} from '../domain/round';
import { slotOf, type Slot } from '../domain/slot';
import { rareTail, type Spo2Scale } from '../domain/vitals';
import { readingSchema, type ReadingInput } from '../schemas/reading';
import type { RoundResult, RoundRow, RowError } from '../schemas/round';
import { rowsOf, sqlArray } from './db/raw';
import { db } from './db';
import { pgConstraint } from './db/errors';
import * as t from './db/schema';
import { recordBatchInTx, type BatchItem } from './readings/batch';
import { initials } from './room-board';

/** A floor as rooms store it; `key` is how the page names it in its address (`A:3`). */
export interface RoundFloor {
	building: string;
	floor: number;
	key: string;
}

export const floorKey = (building: string, floor: number) => `${building}:${floor}`;

export function parseFloorKey(key: string): { building: string; floor: number } | null {
	const at = key.lastIndexOf(':');
	if (at < 0) return null;
	const floor = Number(key.slice(at + 1));
	if (!Number.isInteger(floor) || Math.abs(floor) > 999) return null;
	return { building: key.slice(0, at), floor };
}

/**
 * The latest reading of each stay: one step down the (stay, taken_at) index per stay, rather than
 * sorting every reading of the floor's residents (two weeks of rounds are thousands of rows).
 */
async function latestReadings(stayIds: readonly string[], inSlot?: { slotDate: string; slot: Slot }) {
	const res = await db().execute(sql`
		select r.stay_id, r.taken_at, r.temperature, r.spo2, r.symptoms
		from unnest(${sqlArray(stayIds, 'uuid')}) as s(id)
		cross join lateral (
			select stay_id, taken_at, temperature, spo2, symptoms from readings
			where stay_id = s.id ${inSlot ? sql`and slot_date = ${inSlot.slotDate} and slot = ${inSlot.slot}` : sql``}
			order by taken_at desc limit 1
		) r`);
	return rowsOf<{
		stay_id: string;
		taken_at: Date | string;
		temperature: string | number | null;
		spo2: number | null;
		symptoms: string[];
	}>(res).map((r) => ({
		stayId: r.stay_id,
		takenAt: new Date(r.taken_at),
		temperature: r.temperature == null ? null : Number(r.temperature),
		spo2: r.spo2 == null ? null : Number(r.spo2),
		symptoms: r.symptoms
	}));
}

/** The slot to walk now: the one the site's clock is in. */
export function currentSlot(timeZone: string, now = new Date()) {
	return slotOf(now, timeZone);
}

/**
 * The round sheet of a centralised site: its floors, and for the chosen ones (all when none are chosen)
 * every resident in an active stay, room by room in walking order, with their day, latest reading and
 * whether the slot is already done. Names leave the server as initials, as on the room board.
 */
export async function roundSheet(
	siteId: string,
	options: { floors?: string[]; slot?: Slot },
	now = new Date()
) {
	const [site] = await db().select().from(t.sites).where(eq(t.sites.id, siteId));
	if (!site || site.kind !== 'centralised') return null;
	const current = currentSlot(site.timeZone, now);
	const slot = options.slot ?? current.slot;
	const slotDate = current.slotDate;

	const floorRows = await db()
		.selectDistinct({ building: t.rooms.building, floor: t.rooms.floor })
		.from(t.rooms)
		.where(eq(t.rooms.siteId, siteId))
		.orderBy(asc(t.rooms.building), asc(t.rooms.floor));
	const floors: RoundFloor[] = floorRows.map((f) => ({ ...f, key: floorKey(f.building, f.floor) }));
	const known = new Set(floors.map((f) => f.key));
	const chosen = (options.floors ?? []).filter((k) => known.has(k));
	const chosenFloors = chosen.map((k) => parseFloorKey(k)!);

	const stays = await db()
		.select({
			stayId: t.stays.id,
			residentId: t.stays.residentId,
			name: t.residents.name,
			spo2Scale: t.residents.spo2Scale,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions,
			room: t.rooms.number,
			building: t.rooms.building,
			floor: t.rooms.floor
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
		.where(
			and(
				eq(t.stays.siteId, siteId),
				eq(t.stays.status, 'active'),
				chosenFloors.length
					? or(...chosenFloors.map((f) => and(eq(t.rooms.building, f.building), eq(t.rooms.floor, f.floor))))
					: undefined
			)
		)
		.orderBy(
			asc(t.rooms.building),
			asc(t.rooms.floor),
			asc(t.rooms.walkOrder),
			asc(t.rooms.number),
			asc(t.stays.admittedAt),
			asc(t.stays.id)
		);
	const ids = stays.map((s) => s.stayId);
	const [latest, done, doors] = ids.length
		? await Promise.all([
				latestReadings(ids),
				latestReadings(ids, { slotDate, slot }),
				db()
					.select({ stayId: t.alerts.stayId })
					.from(t.alerts)
					.where(
						and(
							inArray(t.alerts.stayId, ids),
							eq(t.alerts.kind, 'unreachable'),
							inArray(t.alerts.status, ['open', 'acknowledged']),
							sql`${t.alerts.lastValue} ->> 'reason' = 'door'`,
							sql`${t.alerts.lastValue} ->> 'slotDate' = ${slotDate}`,
							sql`${t.alerts.lastValue} ->> 'slot' = ${slot}`
						)
					)
			])
		: [[], [], []];
	const latestBy = new Map(latest.map((r) => [r.stayId, r]));
	const doneBy = new Map(done.map((r) => [r.stayId, r]));
	const doorSet = new Set(doors.map((d) => d.stayId));
	const brief = (r: (typeof latest)[number] | undefined) =>
		r && { at: r.takenAt.toISOString(), temperature: r.temperature, spo2: r.spo2, symptoms: r.symptoms };

	return {
		site: {
			id: site.id,
			code: site.code,
			name: site.name,
			nameEn: site.nameEn,
			timeZone: site.timeZone
		},
		thresholds: thresholdsOfSettings(site.settings),
		floors,
		chosen,
		slot,
		slotDate,
		currentSlot: current.slot,
		rows: stays.map((s) => {
			const pos = position(schedule(s.periodStart, s.planPhases, s.extensions), now);
			return {
				stayId: s.stayId,
				residentId: s.residentId,
				room: s.room,
				building: s.building,
				floor: s.floor,
				initials: initials(s.name),
				day: pos.day,
				totalDays: pos.totalDays,
				spo2Scale: s.spo2Scale as Spo2Scale,
				last: brief(latestBy.get(s.stayId)) ?? null,
				done: brief(doneBy.get(s.stayId)) ?? null,
				door: doorSet.has(s.stayId)
			};
		})
	};
}

export type RoundSheet = NonNullable<Awaited<ReturnType<typeof roundSheet>>>;

/**
 * A list of any strings (keys may hold commas or braces, unlike ids: see `sqlArray`) as one array
 * parameter: a round's hundreds of keys make one statement that is the same whatever their number.
 */
const textArray = (values: readonly string[]) =>
	sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/** One row's idempotency key: the round's key and the stay, so each row of a round records once. */
export const rowKey = (roundKey: string, stayId: string) => `round:${roundKey}:${stayId}`;

type Judged =
	{ stayId: string; kind: 'reading'; input: ReadingInput } | { stayId: string; kind: 'door'; key: string };

/** Reads one typed row into a reading (or a door mark), or the reasons it cannot be saved. */
function judgeRow(roundKey: string, row: RoundRow): Judged | RowError[] {
	const stayId = row.stayId;
	if (doorContradiction(row)) return [{ stayId, field: 'door', code: 'door_with_values' }];
	if (row.door) return { stayId, kind: 'door', key: rowKey(roundKey, stayId) };
	const errors: RowError[] = [];
	const values: Partial<Record<RoundMeasure, number | null>> = {};
	for (const field of ['temperature', 'spo2'] as const) {
		const p = parseMeasure(row[field]);
		if (p.ok) values[field] = p.value;
		else errors.push({ stayId, field, code: 'not_a_number' });
	}
	if (errors.length) return errors;
	const parsed = readingSchema.safeParse({
		stayId,
		source: 'staff_round',
		temperature: values.temperature,
		spo2: values.spo2,
		symptoms: row.symptoms,
		idempotencyKey: rowKey(roundKey, stayId)
	});
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const field = issue.path[0];
			errors.push({
				stayId,
				field: field === 'temperature' || field === 'spo2' || field === 'symptoms' ? field : 'row',
				code: issue.message
			});
		}
		return errors;
	}
	if (needsRareConfirm(row)) {
		for (const field of ['temperature', 'spo2'] as const) {
			const v = values[field];
			if (v != null && rareTail(field, v)) errors.push({ stayId, field, code: 'rare_confirm' });
		}
		return errors;
	}
	return { stayId, kind: 'reading', input: parsed.data };
}

/**
 * Saves a round: each filled row is judged on its own; every good row is stored in one transaction
 * (readings as the one reading path stores them, "did not answer the door" as an `unreachable` alert,
 * all rows together in a fixed number of statements: readings/batch.ts); bad rows
 * come back with their field and reason and change nothing. Rows of stays that are not active at this
 * site are refused, whatever the page sent.
 *
 * Each row is keyed by the round and the stay. The transaction first takes a lock on the round's key, so
 * two copies of one round arriving at once run one after the other and the second finds every row already
 * stored; a unique violation (a key stored by another path meanwhile) retries once, and the retry skips
 * the keys that now exist.
 */
export async function saveRound(
	principal: Principal,
	input: { siteId: string; roundKey: string; slot: Slot; rows: RoundRow[] },
	ip: string | null = null,
	now = new Date()
): Promise<RoundResult> {
	const result: RoundResult = { saved: 0, repeated: 0, alerts: 0, unreachable: 0, errors: [], done: [] };
	const seen = new Set<string>();
	const good: Judged[] = [];
	for (const row of input.rows) {
		if (isBlankEntry(row)) continue;
		if (seen.has(row.stayId)) {
			result.errors.push({ stayId: row.stayId, field: 'row', code: 'duplicate_row' });
			continue;
		}
		seen.add(row.stayId);
		const judged = judgeRow(input.roundKey, row);
		if (Array.isArray(judged)) result.errors.push(...judged);
		else good.push(judged);
	}
	if (!good.length) return result;

	const allowed = can(principal, 'stay:write', { siteId: input.siteId });
	const [site] = await db()
		.select({ kind: t.sites.kind, timeZone: t.sites.timeZone })
		.from(t.sites)
		.where(eq(t.sites.id, input.siteId));
	const stays = await db()
		.select({
			id: t.stays.id,
			siteId: t.stays.siteId,
			status: t.stays.status,
			residentId: t.stays.residentId
		})
		.from(t.stays)
		.where(
			sql`${t.stays.id} = any(${sqlArray(
				good.map((g) => g.stayId),
				'uuid'
			)})`
		);
	const stayBy = new Map(stays.map((s) => [s.id, s]));
	const rows = good.filter((g) => {
		const s = stayBy.get(g.stayId);
		// Another site's stay reads as unknown: nothing tells this page who lives elsewhere.
		if (!allowed || !site || site.kind !== 'centralised' || !s || s.siteId !== input.siteId) {
			result.errors.push({ stayId: g.stayId, field: 'row', code: 'stay_not_found' });
			return false;
		}
		if (s.status !== 'active') {
			result.errors.push({ stayId: g.stayId, field: 'row', code: 'stay_ended' });
			return false;
		}
		return true;
	});
	if (!rows.length || !site) return result;
	const slotDate = slotOf(now, site.timeZone).slotDate;

	const attempt = () =>
		db().transaction(async (tx) => {
			const out = {
				saved: 0,
				repeated: 0,
				alerts: 0,
				unreachable: 0,
				errors: [] as RowError[],
				done: [] as RoundResult['done']
			};
			await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'round:' + input.roundKey}))`);
			const keys = rows.map((r) => (r.kind === 'door' ? r.key : r.input.idempotencyKey));
			const [storedReadings, storedDoors] = await Promise.all([
				tx
					.select({
						key: t.readings.idempotencyKey,
						stayId: t.readings.stayId,
						temperature: t.readings.temperature,
						spo2: t.readings.spo2
					})
					.from(t.readings)
					.where(sql`${t.readings.idempotencyKey} = any(${textArray(keys)})`),
				tx
					.select({ key: t.auditLog.entityId })
					.from(t.auditLog)
					.where(
						and(eq(t.auditLog.entity, 'round_door'), sql`${t.auditLog.entityId} = any(${textArray(keys)})`)
					)
			]);
			const storedReading = new Map(storedReadings.map((r) => [r.key, r]));
			const storedDoor = new Set(storedDoors.map((d) => d.key));
			// Rows stored by an earlier copy of the round are answered with what was stored; the rest are
			// recorded together, answered in the order sent.
			const items: BatchItem[] = [];
			const itemOf = rows.map((row) => {
				if (row.kind === 'door') {
					if (storedDoor.has(row.key)) return -1;
					const stay = stayBy.get(row.stayId)!;
					items.push({
						kind: 'alert',
						stayId: row.stayId,
						siteId: stay.siteId,
						trigger: {
							kind: 'unreachable',
							severity: 'critical',
							value: { reason: 'door', slot: input.slot, slotDate }
						},
						at: now,
						audit: (alert) => ({
							actor: principal,
							action: 'door_unanswered',
							entity: 'round_door',
							entityId: row.key,
							residentId: stay.residentId,
							after: { stayId: row.stayId, alertId: alert.id, slot: input.slot, slotDate },
							ip,
							at: now
						})
					});
					return items.length - 1;
				}
				if (storedReading.has(row.input.idempotencyKey)) return -1;
				items.push({ kind: 'reading', input: row.input });
				return items.length - 1;
			});
			const outcomes = items.length ? await recordBatchInTx(tx, principal, items, ip, now) : [];
			rows.forEach((row, r) => {
				const outcome = outcomes[itemOf[r]!];
				if (row.kind === 'door') {
					if (outcome) {
						out.saved++;
						out.unreachable++;
						out.alerts++;
					} else out.repeated++;
					out.done.push({ stayId: row.stayId, temperature: null, spo2: null, door: true });
					return;
				}
				if (!outcome) {
					const earlier = storedReading.get(row.input.idempotencyKey)!;
					out.repeated++;
					out.done.push({
						stayId: row.stayId,
						temperature: earlier.temperature,
						spo2: earlier.spo2,
						door: false
					});
					return;
				}
				if (outcome.kind !== 'reading') throw new Error('A reading row answered as an alert');
				const recorded = outcome.result;
				if (!recorded.ok) {
					out.errors.push({ stayId: row.stayId, field: 'row', code: recorded.error });
					return;
				}
				out.saved++;
				out.alerts += recorded.alerts.filter((a) => a.status !== 'resolved').length;
				out.done.push({
					stayId: row.stayId,
					temperature: recorded.reading.temperature,
					spo2: recorded.reading.spo2,
					door: false
				});
			});
			return out;
		});

	let stored: Awaited<ReturnType<typeof attempt>>;
	try {
		stored = await attempt();
	} catch (e) {
		if (pgConstraint(e) !== 'readings_idempotency_key') throw e;
		stored = await attempt();
	}
	return {
		saved: stored.saved,
		repeated: stored.repeated,
		alerts: stored.alerts,
		unreachable: stored.unreachable,
		errors: [...result.errors, ...stored.errors],
		done: stored.done
	};
}
