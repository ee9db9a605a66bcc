/**
 * What has been done on the phone: every attempt per resident (for the resident page) and a clinician's
 * own day (calls made, how many reached).
 */
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Principal } from '../../domain/access';
import type { CallOutcome } from '../../domain/alert-rules';
import type { CallSlot } from '../../domain/follow-up';
import { db } from '../db';
import * as t from '../db/schema';

/** How much of a call's note the history shows: enough to recall the call, not a second record of it. */
export const NOTE_SUMMARY_CHARS = 60;

export function noteSummary(note: string | null): string | null {
	if (!note) return null;
	const flat = note.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length > NOTE_SUMMARY_CHARS ? `${chars.slice(0, NOTE_SUMMARY_CHARS).join('')}…` : flat;
}

export interface CallHistoryEntry {
	id: string;
	attemptedAt: Date;
	outcome: CallOutcome;
	slot: CallSlot;
	slotDate: string;
	clinicianName: string | null;
	note: string | null;
	timeZone: string;
}

/** Every call attempt to a resident, over all their stays, newest first. */
export async function callHistory(residentId: string): Promise<CallHistoryEntry[]> {
	const rows = await db()
		.select({
			id: t.calls.id,
			attemptedAt: t.calls.attemptedAt,
			outcome: t.calls.outcome,
			slot: t.calls.slot,
			slotDate: t.calls.slotDate,
			clinicianName: t.users.displayName,
			note: t.calls.note,
			timeZone: t.sites.timeZone
		})
		.from(t.calls)
		.innerJoin(t.stays, eq(t.stays.id, t.calls.stayId))
		.innerJoin(t.sites, eq(t.sites.id, t.stays.siteId))
		.leftJoin(t.users, eq(t.users.id, t.calls.clinicianId))
		.where(eq(t.stays.residentId, residentId))
		.orderBy(desc(t.calls.attemptedAt), desc(t.calls.createdAt));
	return rows.map((r) => ({ ...r, slot: r.slot as CallSlot, note: noteSummary(r.note) }));
}

export interface SlotTally {
	made: number;
	reached: number;
}

export interface MyDay {
	date: string;
	made: number;
	reached: number;
	/** Reached ÷ made, 0–1; null before the first call. */
	reachedRate: number | null;
	bySlot: Record<CallSlot, SlotTally>;
}

/** The calls a clinician made on their local calendar day at `now`, in `timeZone`. */
export async function myDay(principal: Principal, timeZone: string, now = new Date()): Promise<MyDay> {
	const day = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
	const rows = await db()
		.select({ outcome: t.calls.outcome, slot: t.calls.slot })
		.from(t.calls)
		.where(
			and(
				eq(t.calls.clinicianId, principal.userId),
				gte(t.calls.attemptedAt, day.toJSDate()),
				lt(t.calls.attemptedAt, day.plus({ days: 1 }).toJSDate())
			)
		);
	const bySlot: Record<CallSlot, SlotTally> = {
		morning: { made: 0, reached: 0 },
		evening: { made: 0, reached: 0 }
	};
	for (const r of rows) {
		const tally = bySlot[r.slot as CallSlot];
		if (!tally) continue;
		tally.made++;
		if (r.outcome === 'reached') tally.reached++;
	}
	const made = rows.length;
	const reached = rows.filter((r) => r.outcome === 'reached').length;
	return {
		date: day.toISODate()!,
		made,
		reached,
		reachedRate: made ? reached / made : null,
		bySlot
	};
}
