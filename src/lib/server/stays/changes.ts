/**
 * Extension, handover to the next phase, and the outcomes other than release (transfer to hospital,
 * absconded, died, moved to another city). Each is one transaction on the locked stay, guarded by its
 * version, recorded once per idempotency key as a dated stay event, and audited.
 */
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import { schedule } from '../../domain/plan';
import {
	extendStay,
	nextPhase,
	StayChangeError as DomainError,
	type ExtendBy
} from '../../domain/stay-changes';
import type { ExtendInput, HandoverInput, OutcomeInput } from '../../schemas/stays';
import { audit } from '../audit';
import { makeAccessCodeReadOnly } from '../auth/access-codes';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';
import { notifyAlerts } from '../readings/record';
import {
	lockStay,
	recordEvent,
	runChange,
	StayRefusal,
	updateStay,
	vacateRoom,
	type LockedStay
} from './common';

function domain<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (e instanceof DomainError) throw new StayRefusal(e.code);
		throw e;
	}
}

const planOf = (s: LockedStay) => ({
	periodStart: s.periodStart,
	planPhases: s.planPhases,
	extensions: s.extensions,
	phaseIndex: s.phaseIndex
});

/** Extends the phase the resident is in, by N days or to a date; the previous end stays in the history. */
export async function extend(
	principal: Principal,
	input: ExtendInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
) {
	return runChange(
		input,
		(e) => ({ releaseDueAt: new Date(String((e.data as { releaseDueAt: string }).releaseDueAt)) }),
		async (tx) => {
			const stay = await lockStay(tx, input, residentId);
			let by: ExtendBy;
			if (input.mode === 'days') {
				if (!input.days) throw new StayRefusal('bad_days');
				by = { days: input.days };
			} else {
				if (!input.untilDate) throw new StayRefusal('bad_date');
				by = { untilDate: input.untilDate };
			}
			const x = domain(() => extendStay(planOf(stay), by, input.reason, stay.timeZone, now));
			await updateStay(tx, stay, { extensions: x.extensions, releaseDueAt: x.releaseAt }, now);
			const event = await recordEvent(tx, {
				stayId: stay.id,
				kind: 'extended',
				occurredAt: now,
				actorId: principal.userId,
				siteId: stay.siteId,
				data: {
					phaseIndex: x.phaseIndex,
					hours: x.hours,
					reason: input.reason,
					previousPhaseEnd: x.previousPhaseEnd.toISOString(),
					phaseEnd: x.phaseEnd.toISOString(),
					previousReleaseDueAt: x.previousReleaseAt.toISOString(),
					releaseDueAt: x.releaseAt.toISOString()
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: 'extend',
				entity: 'stay',
				entityId: stay.id,
				residentId: stay.residentId,
				before: { releaseDueAt: x.previousReleaseAt },
				after: { releaseDueAt: x.releaseAt, hours: x.hours, reason: input.reason },
				ip,
				at: now
			});
			return event;
		}
	);
}

/**
 * The move to the next phase once the current one is over. From a centralised phase to a home phase
 * the staff confirm the point-to-point handover: the stay leaves its room (which waits for terminal
 * disinfection) and passes, with its active alerts, to the resident's community.
 */
export async function handOver(
	principal: Principal,
	input: HandoverInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
) {
	return runChange(
		input,
		(e) => ({ siteId: e.siteId, phaseIndex: Number((e.data as { to: number }).to) }),
		async (tx) => {
			const stay = await lockStay(tx, input, residentId);
			const move = domain(() => nextPhase(planOf(stay), now));
			let siteId = stay.siteId;
			let homeAddress = stay.homeAddress;
			if (move.toCommunity) {
				const [resident] = await tx
					.select({ homeAddress: t.residents.homeAddress })
					.from(t.residents)
					.where(eq(t.residents.id, stay.residentId));
				siteId = stay.homeCommunityId;
				homeAddress = stay.homeAddress ?? resident?.homeAddress ?? null;
			}
			await updateStay(
				tx,
				stay,
				{
					phaseIndex: move.to,
					...(move.toCommunity ? { siteId, roomId: null, homeAddress } : {})
				},
				now
			);
			if (move.toCommunity) await vacateRoom(tx, stay.roomId);
			const event = await recordEvent(tx, {
				stayId: stay.id,
				kind: move.toCommunity ? 'handed_over' : 'phase_changed',
				// Recorded when confirmed; the phase itself began when the plan says (startsAt).
				occurredAt: now,
				actorId: principal.userId,
				siteId,
				data: {
					from: move.from,
					to: move.to,
					mode: move.mode,
					startsAt: move.startsAt.toISOString(),
					fromSiteId: stay.siteId,
					toSiteId: siteId,
					roomId: stay.roomId
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: 'hand_over',
				entity: 'stay',
				entityId: stay.id,
				residentId: stay.residentId,
				before: { siteId: stay.siteId, roomId: stay.roomId, phaseIndex: move.from },
				after: { siteId, roomId: move.toCommunity ? null : stay.roomId, phaseIndex: move.to },
				ip,
				at: now
			});
			// Open inboxes of both the old site and the community re-read what they may see.
			await notifyAlerts(tx, stay.id, stay.siteId);
			if (siteId !== stay.siteId) await notifyAlerts(tx, stay.id, siteId);
			return event;
		}
	);
}

/** A datetime-local value in the site's zone, or now when empty. */
function localInstant(value: string, timeZone: string, now: Date): Date {
	if (!value) return now;
	const dt = DateTime.fromISO(value, { zone: timeZone });
	if (!dt.isValid) throw new StayRefusal('bad_date');
	return dt.toJSDate();
}

/** Ends a stay other than by release. The time is when it happened, which may be earlier than now. */
export async function recordOutcome(
	principal: Principal,
	input: OutcomeInput,
	residentId: string | null,
	ip: string | null = null,
	now = new Date()
) {
	return runChange(
		input,
		(e) => ({ outcome: String((e.data as { outcome: string }).outcome), at: e.occurredAt }),
		async (tx: DbOrTx) => {
			const stay = await lockStay(tx, input, residentId);
			if (!input.outcome) throw new StayRefusal('outcome_required');
			const hospital = input.hospital.trim();
			if (input.outcome === 'transferred_hospital' && !hospital) throw new StayRefusal('hospital_required');
			const at = localInstant(input.occurredAt, stay.timeZone, now);
			if (at.getTime() > now.getTime() + 60_000) throw new StayRefusal('in_future');
			if (at.getTime() < stay.admittedAt.getTime()) throw new StayRefusal('before_admission');
			const detail = {
				outcome: input.outcome,
				reason: input.reason,
				...(input.outcome === 'transferred_hospital' ? { hospital } : {})
			};
			await updateStay(
				tx,
				stay,
				{
					status: input.outcome,
					outcomeAt: at,
					outcomeBy: principal.userId,
					outcomeReason: input.reason,
					outcomeDetail: detail
				},
				now
			);
			await vacateRoom(tx, stay.roomId);
			// The resident can still read their record for a while, as after a release.
			await makeAccessCodeReadOnly(tx, stay.id, now);
			const event = await recordEvent(tx, {
				stayId: stay.id,
				kind: 'outcome',
				occurredAt: at,
				actorId: principal.userId,
				siteId: stay.siteId,
				data: {
					...detail,
					roomId: stay.roomId,
					releaseDueAt: schedule(stay.periodStart, stay.planPhases, stay.extensions).releaseAt.toISOString()
				},
				idempotencyKey: input.idempotencyKey
			});
			await audit(tx, {
				actor: principal,
				action: 'outcome',
				entity: 'stay',
				entityId: stay.id,
				residentId: stay.residentId,
				before: { status: 'active' },
				after: { status: input.outcome, at, ...detail },
				ip,
				at: now
			});
			return event;
		}
	);
}
