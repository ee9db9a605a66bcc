/**
 * Admission: a resident into the right place on the right plan, once. One transaction writes the
 * resident (new, or updated contact details), the stay with its plan snapshot and release instant, the
 * room's occupancy (the database refuses a bed beyond capacity), the first stay event, the sign-in
 * code and the audit row. A replayed idempotency key admits nothing new.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { validateResidentId } from '../../domain/id-number';
import { normalizePhone } from '../../domain/phone';
import { periodStart, schedule } from '../../domain/plan';
import type { AdmissionInput } from '../../schemas/admission';
import { audit } from '../audit';
import { issueAccessCode } from '../auth/access-codes';
import { freeRooms } from '../rooms';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { notifyStays } from '../live';

export type AdmitError =
	| 'plan_unknown'
	| 'room_required'
	| 'room_unknown'
	| 'room_unavailable'
	| 'room_full'
	| 'community_unknown'
	| 'site_not_allowed'
	| 'already_active'
	| 'id_type_mismatch';

export type AdmitResult =
	| { ok: true; stayId: string; residentId: string; code: string; replayed: boolean }
	| { ok: false; error: AdmitError; field: keyof AdmissionInput | null; residentId?: string };

export class AdmitFailure extends Error {
	constructor(
		readonly error: AdmitError,
		readonly field: keyof AdmissionInput | null,
		readonly residentId?: string
	) {
		super(error);
	}
}

/** The resident-facing form of an ID number: trimmed, a final x upper-cased (GB 11643 uses X). */
export function normalizeIdNumber(idType: string, idNumber: string): string {
	const v = idNumber.trim();
	return idType === 'resident_id' ? v.toUpperCase() : v;
}

interface Placement {
	siteId: string;
	roomId: string | null;
	timeZone: string;
}

async function placement(
	tx: DbOrTx,
	principal: Principal,
	input: AdmissionInput,
	firstMode: string
): Promise<Placement> {
	const [community] = await tx
		.select()
		.from(t.sites)
		.where(
			and(eq(t.sites.id, input.homeCommunityId), eq(t.sites.kind, 'community'), eq(t.sites.active, true))
		);
	if (!community) throw new AdmitFailure('community_unknown', 'homeCommunityId');
	if (firstMode !== 'centralised') {
		// Home isolation: the resident's community manages the stay, and must be in the admitter's scope.
		if (!can(principal, 'resident:admit', { siteId: community.id }))
			throw new AdmitFailure('site_not_allowed', 'homeCommunityId');
		return { siteId: community.id, roomId: null, timeZone: community.timeZone };
	}
	if (!input.roomId) throw new AdmitFailure('room_required', 'roomId');
	const [room] = await tx
		.select({ room: t.rooms, site: t.sites })
		.from(t.rooms)
		.innerJoin(t.sites, eq(t.sites.id, t.rooms.siteId))
		.where(and(eq(t.rooms.id, input.roomId), eq(t.sites.kind, 'centralised'), eq(t.sites.active, true)));
	if (!room) throw new AdmitFailure('room_unknown', 'roomId');
	if (!can(principal, 'resident:admit', { siteId: room.site.id }))
		throw new AdmitFailure('site_not_allowed', 'roomId');
	// Only clean rooms are offered: awaiting disinfection or out of service is not a free bed.
	if (room.room.status !== 'available' && room.room.status !== 'occupied')
		throw new AdmitFailure('room_unavailable', 'roomId');
	if (room.room.occupants >= room.room.capacity) throw new AdmitFailure('room_full', 'roomId');
	return { siteId: room.site.id, roomId: room.room.id, timeZone: room.site.timeZone };
}

export async function admit(
	principal: Principal,
	input: AdmissionInput,
	ip: string | null = null,
	now = new Date()
): Promise<AdmitResult> {
	const replay = await replayed(input.idempotencyKey);
	if (replay) return replay;
	try {
		return await db().transaction((tx) => admitInTx(tx, principal, input, ip, now));
	} catch (e) {
		// The same key sent twice at once: the second request waited for the first and then failed on what
		// the first wrote (the resident, the active stay, the key). The first has committed: answer as it did.
		const again = await replayed(input.idempotencyKey);
		if (again?.ok) return again;
		if (e instanceof AdmitFailure)
			return { ok: false, error: e.error, field: e.field, residentId: e.residentId };
		switch (pgConstraint(e)) {
			case 'stays_idempotency_key':
				return (await replayed(input.idempotencyKey)) ?? { ok: false, error: 'already_active', field: null };
			case 'rooms_occupants_check':
				// Someone took the last bed between our check and our insert.
				return { ok: false, error: 'room_full', field: 'roomId' };
			case 'stays_one_active_per_resident':
			case 'residents_id_number_key':
				return { ok: false, error: 'already_active', field: 'idNumber' };
		}
		throw e;
	}
}

/**
 * The admission itself, inside the caller's transaction (one admission, or a whole CSV import that
 * must land completely or not at all). Throws AdmitFailure for a refusal the user can act on.
 */
export async function admitInTx(
	tx: DbOrTx,
	principal: Principal,
	input: AdmissionInput,
	ip: string | null,
	now: Date
) {
	const idNumber = normalizeIdNumber(input.idType, input.idNumber);
	const id = input.idType === 'resident_id' ? validateResidentId(idNumber, now) : null;
	const [plan] = await tx
		.select()
		.from(t.plans)
		.where(and(eq(t.plans.id, input.planId), eq(t.plans.active, true)));
	if (!plan || !plan.phases.length) throw new AdmitFailure('plan_unknown', 'planId');
	const place = await placement(tx, principal, input, plan.phases[0]!.mode);

	const details = {
		name: input.name,
		phone: normalizePhone(input.phone),
		phoneLast4: normalizePhone(input.phone).slice(-4),
		emergencyContactName: input.emergencyContactName || null,
		emergencyContactPhone: input.emergencyContactPhone ? normalizePhone(input.emergencyContactPhone) : null,
		homeAddress: input.homeAddress,
		homeCommunityId: input.homeCommunityId,
		pregnant: input.pregnant,
		chronicDisease: input.chronicDisease,
		immunosuppressed: input.immunosuppressed,
		allergies: input.allergies || null,
		regularMedicines: input.regularMedicines || null,
		...(id?.ok ? { birthDate: id.birthDate, sex: id.sex } : {})
	};
	const [existing] = await tx
		.select({ id: t.residents.id })
		.from(t.residents)
		.where(and(eq(t.residents.idType, input.idType), eq(t.residents.idNumber, idNumber)));
	let residentId: string;
	if (existing) {
		residentId = existing.id;
		const [active] = await tx
			.select({ id: t.stays.id })
			.from(t.stays)
			.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
		if (active) throw new AdmitFailure('already_active', 'idNumber', residentId);
		// A returning resident: contact details as given now.
		await tx
			.update(t.residents)
			.set({ ...details, version: sql`${t.residents.version} + 1`, updatedAt: now })
			.where(eq(t.residents.id, residentId));
	} else {
		const [row] = await tx
			.insert(t.residents)
			.values({ ...details, idType: input.idType, idNumber, idLast4: idNumber.slice(-4) })
			.returning({ id: t.residents.id });
		residentId = row!.id;
	}

	const start = periodStart(now, plan.countsFrom, input.exposureDate || null, place.timeZone);
	const sched = schedule(start, plan.phases);
	const [stay] = await tx
		.insert(t.stays)
		.values({
			residentId,
			siteId: place.siteId,
			roomId: place.roomId,
			homeCommunityId: input.homeCommunityId,
			homeAddress: place.roomId ? null : input.homeAddress,
			planId: plan.id,
			planPhases: plan.phases,
			planCountsFrom: plan.countsFrom,
			category: input.category,
			exposureDate: input.exposureDate || null,
			sourceCaseRef: input.sourceCaseRef || null,
			admittedAt: now,
			periodStart: start,
			releaseDueAt: sched.releaseAt,
			admittedBy: principal.userId,
			idempotencyKey: input.idempotencyKey
		})
		.returning({ id: t.stays.id });
	if (place.roomId) {
		await tx
			.update(t.rooms)
			.set({ status: 'occupied', version: sql`${t.rooms.version} + 1` })
			.where(eq(t.rooms.id, place.roomId));
	}
	await tx.insert(t.stayEvents).values({
		stayId: stay!.id,
		kind: 'admitted',
		occurredAt: now,
		actorId: principal.userId,
		siteId: place.siteId,
		data: { plan: plan.code, roomId: place.roomId, releaseDueAt: sched.releaseAt.toISOString() },
		idempotencyKey: `admitted:${input.idempotencyKey}`
	});
	// Live figures (the dashboard) count the admission as soon as it commits.
	await notifyStays(tx, place.siteId);
	const { code } = await issueAccessCode(tx, stay!.id, principal.userId, now);
	await audit(tx, {
		actor: principal,
		action: 'admit',
		entity: 'stay',
		entityId: stay!.id,
		residentId,
		after: {
			plan: plan.code,
			siteId: place.siteId,
			roomId: place.roomId,
			idNumber,
			phone: details.phone
		},
		ip,
		at: now
	});
	return { ok: true as const, stayId: stay!.id, residentId, code, replayed: false };
}

/**
 * A replayed admission: the same stay, with a fresh sign-in code (the browser showed the second
 * answer, so the code of the first was never seen; reissuing voids it).
 */
async function replayed(key: string): Promise<AdmitResult | null> {
	const [stay] = await db()
		.select({
			id: t.stays.id,
			residentId: t.stays.residentId,
			admittedBy: t.stays.admittedBy,
			status: t.stays.status
		})
		.from(t.stays)
		.where(eq(t.stays.idempotencyKey, key));
	if (!stay) return null;
	if (stay.status !== 'active')
		return { ok: false, error: 'already_active', field: null, residentId: stay.residentId };
	const { code } = await db().transaction((tx) => issueAccessCode(tx, stay.id, stay.admittedBy));
	return { ok: true, stayId: stay.id, residentId: stay.residentId, code, replayed: true };
}

/** What the admission form offers: active plans, clean rooms with a free bed in scope, communities. */
export async function admissionOptions(principal: Principal) {
	const plans = await db()
		.select({
			id: t.plans.id,
			code: t.plans.code,
			name: t.plans.name,
			nameEn: t.plans.nameEn,
			phases: t.plans.phases,
			countsFrom: t.plans.countsFrom
		})
		.from(t.plans)
		.where(eq(t.plans.active, true))
		.orderBy(asc(t.plans.code));
	const communities = await db()
		.select({ id: t.sites.id, code: t.sites.code, name: t.sites.name, nameEn: t.sites.nameEn })
		.from(t.sites)
		.where(and(eq(t.sites.kind, 'community'), eq(t.sites.active, true)))
		.orderBy(asc(t.sites.code));
	const rooms = await freeRooms(principal.role === 'admin' ? undefined : principal.siteIds);
	return {
		plans,
		communities,
		rooms,
		/** Communities a clinician may admit home isolators to. */
		homeScope: communities.filter((c) => can(principal, 'resident:admit', { siteId: c.id })).map((c) => c.id)
	};
}
