/**
 * Recording one follow-up call, in one transaction: the call (once per idempotency key), the reading a
 * reached resident gives (through the one reading path, so alerts fire), the needs noted, the unreachable
 * rule after a failed attempt, and the audit row.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { can, type Principal } from '../../domain/access';
import { unreachableFromCalls, type CallOutcome } from '../../domain/alert-rules';
import { callSlotOf, consecutiveFailures, isFailedCall } from '../../domain/follow-up';
import type { CallInput } from '../../schemas/call';
import { readingSchema } from '../../schemas/reading';
import { audit } from '../audit';
import { db, type DbOrTx } from '../db';
import { pgConstraint } from '../db/errors';
import * as t from '../db/schema';
import { notifyAlerts, raiseAlert, recordReadingInTx, type RecordedAlert } from '../readings/record';
import { currentMode, HOME_MODES } from './call-list';

export type CallRecord = typeof t.calls.$inferSelect;

export type RecordCallResult =
	| { ok: true; replayed: boolean; call: CallRecord; alerts: RecordedAlert[]; unreachable: boolean }
	| { ok: false; error: 'stay_not_found' | 'stay_ended' | 'not_home' | 'key_conflict' };

/** The reading's key: derived from the call's, so a replayed call can never record a second reading. */
export const readingKeyOf = (callKey: string) => `call:${callKey}`;

async function replay(input: CallInput): Promise<RecordCallResult | null> {
	const [existing] = await db()
		.select()
		.from(t.calls)
		.where(eq(t.calls.idempotencyKey, input.idempotencyKey));
	if (!existing) return null;
	if (existing.stayId !== input.stayId || existing.outcome !== input.outcome)
		return { ok: false, error: 'key_conflict' };
	return { ok: true, replayed: true, call: existing, alerts: [], unreachable: false };
}

/** The stay's call outcomes, oldest first, across days. */
async function outcomesOf(tx: DbOrTx, stayId: string): Promise<CallOutcome[]> {
	const rows = await tx
		.select({ outcome: t.calls.outcome })
		.from(t.calls)
		.where(eq(t.calls.stayId, stayId))
		.orderBy(asc(t.calls.attemptedAt), asc(t.calls.createdAt));
	return rows.map((r) => r.outcome);
}

/**
 * The call's writes inside a transaction the caller holds (the demo seed records its calls this way).
 * Does not look for an earlier call with the same key first: `recordCall` does.
 */
export async function recordCallInTx(
	tx: DbOrTx,
	principal: Principal,
	input: CallInput,
	ip: string | null,
	now: Date
): Promise<RecordCallResult> {
	// The stay, locked: two calls of one resident at once are judged one after the other, so the
	// unreachable rule always sees every earlier attempt.
	const [ctx] = await tx
		.select({
			id: t.stays.id,
			status: t.stays.status,
			siteId: t.stays.siteId,
			residentId: t.stays.residentId,
			periodStart: t.stays.periodStart,
			planPhases: t.stays.planPhases,
			extensions: t.stays.extensions
		})
		.from(t.stays)
		.where(eq(t.stays.id, input.stayId))
		.for('update');
	// A stay outside the principal's communities reads as unknown.
	if (!ctx || !can(principal, 'stay:write', { siteId: ctx.siteId }))
		return { ok: false, error: 'stay_not_found' };
	if (ctx.status !== 'active') return { ok: false, error: 'stay_ended' };
	if (!HOME_MODES.includes(currentMode(ctx, now).mode)) return { ok: false, error: 'not_home' };
	const [site] = await tx
		.select({ timeZone: t.sites.timeZone })
		.from(t.sites)
		.where(eq(t.sites.id, ctx.siteId));
	const { slot, slotDate } = callSlotOf(now, site!.timeZone);

	const alerts: RecordedAlert[] = [];
	let readingId: string | null = null;
	const hasValues = input.temperature != null || input.spo2 != null || input.symptoms.length > 0;
	if (input.outcome === 'reached' && hasValues) {
		const reading = readingSchema.parse({
			stayId: input.stayId,
			source: 'phone',
			temperature: input.temperature ?? null,
			spo2: input.spo2 ?? null,
			symptoms: input.symptoms,
			note: input.note || undefined,
			idempotencyKey: readingKeyOf(input.idempotencyKey)
		});
		const recorded = await recordReadingInTx(tx, principal, reading, ip, now);
		if (!recorded.ok)
			return recorded.error === 'key_conflict' ? { ok: false, error: 'key_conflict' } : recorded;
		readingId = recorded.reading.id;
		alerts.push(...recorded.alerts);
	}

	const [call] = await tx
		.insert(t.calls)
		.values({
			stayId: input.stayId,
			clinicianId: principal.userId,
			attemptedAt: now,
			slot,
			slotDate,
			outcome: input.outcome,
			readingId,
			needs: input.needs,
			note: input.note || null,
			idempotencyKey: input.idempotencyKey
		})
		.returning();

	let unreachable = false;
	if (isFailedCall(input.outcome)) {
		const outcomes = await outcomesOf(tx, input.stayId);
		if (unreachableFromCalls(outcomes)) {
			// One active alert per stay and kind: further failures update it rather than add one.
			alerts.push(
				await raiseAlert(
					tx,
					input.stayId,
					null,
					{
						kind: 'unreachable',
						severity: 'critical',
						value: { reason: 'calls', failures: consecutiveFailures(outcomes) }
					},
					now
				)
			);
			await notifyAlerts(tx, input.stayId, ctx.siteId);
			unreachable = true;
		}
	}

	// A wrong number: the contact details need correcting before the next shift dials it again. The
	// first flag's time is kept; the version moves so an open correction form notices the change.
	let phoneFlagged = false;
	if (input.outcome === 'wrong_number') {
		const flagged = await tx
			.update(t.residents)
			.set({ phoneFlaggedAt: now, version: sql`${t.residents.version} + 1`, updatedAt: now })
			.where(and(eq(t.residents.id, ctx.residentId), isNull(t.residents.phoneFlaggedAt)))
			.returning({ id: t.residents.id });
		phoneFlagged = flagged.length > 0;
	}

	await audit(tx, {
		actor: principal,
		action: 'record',
		entity: 'call',
		entityId: call!.id,
		residentId: ctx.residentId,
		after: {
			stayId: input.stayId,
			outcome: input.outcome,
			slot,
			slotDate,
			readingId,
			needs: {
				medicine: input.needs.medicine,
				supplies: input.needs.supplies,
				psychological: input.needs.psychological
			},
			alerts: alerts.map((a) => a.kind),
			phoneFlagged
		},
		ip,
		at: now
	});
	return { ok: true, replayed: false, call: call!, alerts, unreachable };
}

export async function recordCall(
	principal: Principal,
	input: CallInput,
	ip: string | null = null,
	now = new Date()
): Promise<RecordCallResult> {
	const earlier = await replay(input);
	if (earlier) return earlier;

	const attempt = () => db().transaction((tx) => recordCallInTx(tx, principal, input, ip, now));

	try {
		return await attempt();
	} catch (e) {
		// The same call sent twice at once: the second insert waited for the first, then failed on the key.
		const c = pgConstraint(e);
		if (c === 'calls_idempotency_key' || c === 'readings_idempotency_key') {
			const again = await replay(input);
			if (again) return again;
		}
		throw e;
	}
}
