/**
 * Reading slots (DESIGN §3): a reading's slot comes from the local time it was taken in the site's
 * zone: morning 04:00–12:00, evening 16:00–22:00, otherwise extra. Its slot date is the local date.
 */
import { DateTime } from 'luxon';

export type Slot = 'morning' | 'evening' | 'extra';

export const SLOT_WINDOWS = {
	morning: { fromHour: 4, toHour: 12, deadlineHour: 11 },
	evening: { fromHour: 16, toHour: 22, deadlineHour: 21 }
} as const;

export function slotOf(takenAt: Date, timeZone: string): { slot: Slot; slotDate: string } {
	const local = DateTime.fromJSDate(takenAt, { zone: timeZone });
	if (!local.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
	const hour = local.hour;
	const slotDate = local.toISODate()!;
	if (hour >= SLOT_WINDOWS.morning.fromHour && hour < SLOT_WINDOWS.morning.toHour)
		return { slot: 'morning', slotDate };
	if (hour >= SLOT_WINDOWS.evening.fromHour && hour < SLOT_WINDOWS.evening.toHour)
		return { slot: 'evening', slotDate };
	return { slot: 'extra', slotDate };
}

/** The instant a local wall-clock time on a local date occurs in a zone. */
export function localInstant(date: string, hour: number, minute: number, timeZone: string): Date {
	const dt = DateTime.fromISO(date, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 });
	if (!dt.isValid) throw new RangeError(`Invalid local date ${date} in ${timeZone}`);
	return dt.toJSDate();
}

export interface SlotDeadline {
	slotDate: string;
	slot: 'morning' | 'evening';
	deadline: Date;
}

/**
 * The slot deadlines (morning 11:00, evening 21:00 local) that fall after `from` and at or before `to`,
 * oldest first: what the missed-reading check has to look at after a pause, however long.
 */
export function deadlinesBetween(from: Date, to: Date, timeZone: string): SlotDeadline[] {
	const start = DateTime.fromJSDate(from, { zone: timeZone });
	if (!start.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
	const out: SlotDeadline[] = [];
	for (let day = start.startOf('day'); day.toMillis() <= to.getTime(); day = day.plus({ days: 1 })) {
		const slotDate = day.toISODate()!;
		for (const slot of ['morning', 'evening'] as const) {
			const deadline = localInstant(slotDate, SLOT_WINDOWS[slot].deadlineHour, 0, timeZone);
			if (deadline > from && deadline <= to) out.push({ slotDate, slot, deadline });
		}
	}
	return out;
}
