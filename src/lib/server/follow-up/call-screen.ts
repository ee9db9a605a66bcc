/**
 * What the call screen shows: the resident being called (trimmed, the phone masked), and the call the
 * clinician saved just before, with the needs it noted.
 */
import { and, desc, eq } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { thresholdsOfSettings, type CallOutcome } from '../../domain/alert-rules';
import { callSlotOf, ageOnDate, riskFactors } from '../../domain/follow-up';
import { maskPhone } from '../../domain/phone';
import { needsOfCall, type CallNeed } from '../deliveries';
import { db } from '../db';
import * as t from '../db/schema';
import { currentMode } from './call-list';

export async function callSubject(stayId: string, now = new Date()) {
	const [row] = await db()
		.select({
			stayId: t.stays.id,
			status: t.stays.status,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions,
			residentId: t.residents.id,
			name: t.residents.name,
			phone: t.residents.phone,
			birthDate: t.residents.birthDate,
			pregnant: t.residents.pregnant,
			chronicDisease: t.residents.chronicDisease,
			immunosuppressed: t.residents.immunosuppressed,
			hasOximeter: t.residents.hasOximeter,
			phoneFlaggedAt: t.residents.phoneFlaggedAt,
			residentVersion: t.residents.version,
			timeZone: t.sites.timeZone,
			siteName: t.sites.name,
			siteSettings: t.sites.settings
		})
		.from(t.stays)
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.where(eq(t.stays.id, stayId));
	if (!row) return null;
	const { slotDate } = callSlotOf(now, row.timeZone);
	const pos = currentMode(row, now);
	const last = await db()
		.select({
			takenAt: t.readings.takenAt,
			temperature: t.readings.temperature,
			spo2: t.readings.spo2,
			symptoms: t.readings.symptoms,
			source: t.readings.source
		})
		.from(t.readings)
		.where(eq(t.readings.stayId, stayId))
		.orderBy(desc(t.readings.takenAt))
		.limit(3);
	return {
		stayId: row.stayId,
		active: row.status === 'active',
		residentId: row.residentId,
		name: row.name,
		phoneMasked: maskPhone(row.phone),
		age: ageOnDate(row.birthDate, slotDate),
		riskFactors: riskFactors(row, slotDate),
		hasOximeter: row.hasOximeter,
		phoneFlagged: row.phoneFlaggedAt !== null,
		residentVersion: row.residentVersion,
		phaseMode: pos.mode,
		day: pos.day,
		totalDays: pos.totalDays,
		siteName: row.siteName,
		timeZone: row.timeZone,
		/** The community's fever line, which the trend draws (its own threshold, not the default). */
		feverLine: thresholdsOfSettings(row.siteSettings).fever,
		lastReadings: last
	};
}

export interface SavedCall {
	callId: string;
	stayId: string;
	name: string;
	outcome: CallOutcome;
	communityId: string;
	communityName: string;
	communityNameEn: string | null;
	/** Its medicine and supply needs, while the stay is active, each with whether it became a request. */
	needs: CallNeed[];
}

/**
 * The call the principal just saved ("save and next" passes its id on): whose it was, its outcome and the
 * needs it noted, so they can become delivery requests without going back. Null for a call that is not
 * theirs or no longer in their scope.
 */
export async function savedCall(principal: Principal, callId: string): Promise<SavedCall | null> {
	const [row] = await db()
		.select({
			callId: t.calls.id,
			stayId: t.calls.stayId,
			outcome: t.calls.outcome,
			name: t.residents.name,
			communityId: t.stays.siteId,
			communityName: t.sites.name,
			communityNameEn: t.sites.nameEn
		})
		.from(t.calls)
		.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
		.innerJoin(t.residents, eq(t.residents.id, t.stays.residentId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.where(and(eq(t.calls.id, callId), eq(t.calls.clinicianId, principal.userId)));
	if (!row || !can(principal, 'stay:write', { siteId: row.communityId })) return null;
	return { ...row, needs: await needsOfCall(callId) };
}
