/**
 * Figures as of an instant that is well past, kept in memory.
 *
 * The dashboard's history is counted from stay events by when each became known (it had happened and
 * been written down), and events are only ever added with the current time: a census as of last
 * Tuesday's midnight reads the same today as it will next month. Such a figure can be kept without ever
 * going stale. "Well past" leaves room for a transaction that began before the instant (its rows carry
 * its start time) and commits after it: nothing writes for anywhere near `SETTLED_AFTER_MS`.
 *
 * Only figures that depend on nothing but append-only facts belong here (not, for instance, alerts,
 * whose severity can still rise). Each server keeps its own copy: they all compute the same values.
 */
export const SETTLED_AFTER_MS = 15 * 60_000;
const MAX_ENTRIES = 5_000;

const kept = new Map<string, unknown>();

export function isSettled(asOf: Date, now: Date): boolean {
	return asOf.getTime() <= now.getTime() - SETTLED_AFTER_MS;
}

export function settledGet<T>(key: string): T | undefined {
	const v = kept.get(key);
	if (v === undefined) return undefined;
	// Least recently used goes first: re-insert on every hit.
	kept.delete(key);
	kept.set(key, v);
	return v as T;
}

export function settledSet<T>(key: string, asOf: Date, now: Date, value: T): void {
	if (!isSettled(asOf, now)) return;
	kept.set(key, value);
	while (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value!);
}

/** For tests: forget everything. */
export function forgetSettled(): void {
	kept.clear();
}
