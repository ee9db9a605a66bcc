/**
 * A resident's record as staff see it: masked by default, every view audited; a staff member in scope
 * may reveal one full ID number or phone, and each reveal is audited with who, when and which field.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Principal } from '../domain/access';
import { maskIdNumber } from '../domain/id-number';
import { maskPhone, validatePhone } from '../domain/phone';
import type { PhoneCorrection } from '../schemas/contact';
import type { RevealableField, RevealPurpose } from '../schemas/reveal';
import { thresholdsOfSettings } from '../domain/alert-rules';
import { position, schedule } from '../domain/plan';
import { audit } from './audit';
import { db } from './db';
import * as t from './db/schema';

/** Enough for the longest plan's stay at several readings a day; the chart and table show all of them. */
export const STAY_READINGS_LIMIT = 500;

export { REVEALABLE, type RevealableField } from '../schemas/reveal';

/** Views of one record by one person within this span are audited once. */
export const VIEW_FOLD_MS = 10 * 60_000;

export async function viewResident(
	principal: Principal,
	residentId: string,
	ip: string | null,
	now = new Date()
) {
	return db().transaction(async (tx) => {
		const [r] = await tx.select().from(t.residents).where(eq(t.residents.id, residentId));
		if (!r) return null;
		const stays = await tx
			.select({
				id: t.stays.id,
				status: t.stays.status,
				admittedAt: t.stays.admittedAt,
				releaseDueAt: t.stays.releaseDueAt,
				outcomeAt: t.stays.outcomeAt,
				category: t.stays.category,
				phaseIndex: t.stays.phaseIndex,
				planPhases: t.stays.planPhases,
				siteName: t.sites.name,
				siteNameEn: t.sites.nameEn,
				timeZone: t.sites.timeZone,
				roomNumber: t.rooms.number
			})
			.from(t.stays)
			.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
			.leftJoin(t.rooms, eq(t.rooms.id, t.stays.roomId))
			.where(eq(t.stays.residentId, residentId))
			.orderBy(desc(t.stays.admittedAt));
		const events = await tx
			.select({
				id: t.stayEvents.id,
				stayId: t.stayEvents.stayId,
				kind: t.stayEvents.kind,
				occurredAt: t.stayEvents.occurredAt,
				data: t.stayEvents.data,
				siteName: t.sites.name,
				siteNameEn: t.sites.nameEn,
				actorName: t.users.displayName
			})
			.from(t.stayEvents)
			.innerJoin(t.stays, eq(t.stays.id, t.stayEvents.stayId))
			.innerJoin(t.sites, eq(t.sites.id, t.stayEvents.siteId))
			.leftJoin(t.users, eq(t.users.id, t.stayEvents.actorId))
			.where(eq(t.stays.residentId, residentId))
			.orderBy(desc(t.stayEvents.occurredAt), desc(t.stayEvents.id));
		const [latest] = await tx
			.select({
				id: t.stays.id,
				status: t.stays.status,
				admittedAt: t.stays.admittedAt,
				outcomeAt: t.stays.outcomeAt,
				periodStart: t.stays.periodStart,
				planPhases: t.stays.planPhases,
				extensions: t.stays.extensions,
				timeZone: t.sites.timeZone,
				siteSettings: t.sites.settings
			})
			.from(t.stays)
			.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
			.where(eq(t.stays.residentId, residentId))
			.orderBy(desc(t.stays.admittedAt))
			.limit(1);
		const plan = latest ? schedule(latest.periodStart, latest.planPhases, latest.extensions) : null;
		const readings = latest
			? await tx
					.select({
						id: t.readings.id,
						takenAt: t.readings.takenAt,
						slot: t.readings.slot,
						slotDate: t.readings.slotDate,
						source: t.readings.source,
						temperature: t.readings.temperature,
						spo2: t.readings.spo2,
						spo2Scale: t.readings.spo2Scale,
						pulse: t.readings.pulse,
						respRate: t.readings.respRate,
						news2Total: t.readings.news2Total,
						symptoms: t.readings.symptoms
					})
					.from(t.readings)
					.where(eq(t.readings.stayId, latest.id))
					.orderBy(desc(t.readings.takenAt))
					.limit(STAY_READINGS_LIMIT)
			: [];
		// One view per person and record within a few minutes: a record open on a desk reloads itself on
		// every live change, and each reload is not a new look at it. Reveals are always kept one by one.
		const [recent] = await tx
			.select({ id: t.auditLog.id })
			.from(t.auditLog)
			.where(
				and(
					eq(t.auditLog.actorId, principal.userId),
					gte(t.auditLog.at, new Date(now.getTime() - VIEW_FOLD_MS)),
					eq(t.auditLog.action, 'view'),
					eq(t.auditLog.entity, 'resident'),
					eq(t.auditLog.entityId, residentId)
				)
			)
			.limit(1);
		if (!recent)
			await audit(tx, {
				actor: principal,
				action: 'view',
				entity: 'resident',
				entityId: residentId,
				residentId,
				ip,
				at: now
			});
		return {
			id: r.id,
			name: r.name,
			idType: r.idType,
			idNumberMasked: maskIdNumber(r.idNumber),
			phoneMasked: maskPhone(r.phone),
			emergencyContactName: r.emergencyContactName,
			emergencyContactPhoneMasked: r.emergencyContactPhone ? maskPhone(r.emergencyContactPhone) : null,
			sex: r.sex,
			birthDate: r.birthDate,
			homeAddress: r.homeAddress,
			pregnant: r.pregnant,
			chronicDisease: r.chronicDisease,
			immunosuppressed: r.immunosuppressed,
			allergies: r.allergies,
			regularMedicines: r.regularMedicines,
			phoneFlaggedAt: r.phoneFlaggedAt,
			version: r.version,
			stays,
			events,
			readings,
			activeStayId: latest?.status === 'active' ? latest.id : null,
			chart: latest && {
				stayId: latest.id,
				timeZone: latest.timeZone,
				from: latest.admittedAt,
				// An ended stay is charted up to its end; an active one up to now.
				to: latest.outcomeAt && latest.outcomeAt < now ? latest.outcomeAt : now,
				thresholds: thresholdsOfSettings(latest.siteSettings),
				spo2Scale: r.spo2Scale === 2 ? (2 as const) : (1 as const)
			},
			plan: plan && {
				phases: plan.phases.map((p) => ({ mode: p.mode, start: p.start, end: p.end })),
				releaseAt: plan.releaseAt,
				position: position(plan, now)
			}
		};
	});
}

export async function revealField(
	principal: Principal,
	residentId: string,
	field: RevealableField,
	purpose: RevealPurpose,
	ip: string | null
): Promise<string | null> {
	return db().transaction(async (tx) => {
		const [r] = await tx.select().from(t.residents).where(eq(t.residents.id, residentId));
		if (!r) return null;
		const value = r[field];
		await audit(tx, {
			actor: principal,
			action: 'reveal',
			entity: 'resident',
			entityId: residentId,
			residentId,
			// The audit keeps which field was revealed and why, masked: never the value itself.
			after: { field, purpose, [field]: value },
			ip
		});
		return value ?? null;
	});
}

/** The resident's active stay, if any: readings are recorded against it. */
export async function activeStayId(residentId: string): Promise<string | null> {
	const [row] = await db()
		.select({ id: t.stays.id })
		.from(t.stays)
		.where(and(eq(t.stays.residentId, residentId), eq(t.stays.status, 'active')));
	return row?.id ?? null;
}

export type CorrectPhoneResult =
	| { ok: true; phoneMasked: string; version: number }
	| { ok: false; error: 'not_found' | 'phone_invalid' | 'phone_stale' };

/**
 * A new phone for a resident (after a wrong number, or any change): validated, saved only over the
 * version the form was shown with, clears the wrong-number flag, audited with masked values. The caller
 * has checked the principal's scope on the resident.
 */
export async function correctPhone(
	principal: Principal,
	residentId: string,
	input: PhoneCorrection,
	ip: string | null,
	now = new Date()
): Promise<CorrectPhoneResult> {
	const phone = validatePhone(input.phone);
	if (!phone.ok) return { ok: false, error: 'phone_invalid' };
	return db().transaction(async (tx) => {
		const [before] = await tx
			.select({ phone: t.residents.phone, phoneFlaggedAt: t.residents.phoneFlaggedAt })
			.from(t.residents)
			.where(eq(t.residents.id, residentId));
		if (!before) return { ok: false, error: 'not_found' };
		const [after] = await tx
			.update(t.residents)
			.set({
				phone: phone.value,
				phoneLast4: phone.value.slice(-4),
				phoneFlaggedAt: null,
				version: sql`${t.residents.version} + 1`,
				updatedAt: now
			})
			.where(and(eq(t.residents.id, residentId), eq(t.residents.version, input.version)))
			.returning({ phone: t.residents.phone, version: t.residents.version });
		if (!after) return { ok: false, error: 'phone_stale' };
		await audit(tx, {
			actor: principal,
			action: 'correct_phone',
			entity: 'resident',
			entityId: residentId,
			residentId,
			before: { phone: before.phone, phoneFlagged: before.phoneFlaggedAt !== null },
			after: { phone: after.phone, phoneFlagged: false },
			ip,
			at: now
		});
		return { ok: true, phoneMasked: maskPhone(after.phone), version: after.version };
	});
}
