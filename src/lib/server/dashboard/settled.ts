/**
 * Figures as of an instant that is well past, kept once counted.
 *
 * The dashboard's history is counted from stay events by when each became known (it had happened and
 * been written down), and events are only ever added with the current time: a census as of last
 * Tuesday's midnight reads the same today as it will next month. Such a figure can be kept without ever
 * going stale. "Well past" leaves room for a transaction that began before the instant (its rows carry
 * its start time) and commits after it: nothing writes for anywhere near `SETTLED_AFTER_MS`.
 *
 * Only figures that depend on nothing but append-only facts belong here (not, for instance, alerts,
 * whose severity can still rise). They are kept in the database, so that every server (and a restarted
 * one) finds what any of them counted, and in each server's memory in front of it.
 */
import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import * as t from '../db/schema';

export const SETTLED_AFTER_MS = 15 * 60_000;
/**
 * The definitions of the kept figures: raised whenever a query behind one changes what it counts, so that
 * figures counted by the earlier definition are never read back.
 */
export const SETTLED_DEFINITIONS = 1;
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

/** The row key of a figure: a scope of sixty sites makes a long name, its digest a short one. */
export function storedKey(key: string): string {
	return createHash('sha256').update(`${SETTLED_DEFINITIONS}|${key}`).digest('base64url');
}

export interface SettledEntry {
	key: string;
	asOf: Date;
}

/**
 * The kept figures of `entries`, from memory or else the database, in order; undefined where one is not
 * kept (or not yet settled at `now`).
 */
export async function loadSettled<T>(
	database: DbOrTx,
	entries: readonly SettledEntry[],
	now: Date
): Promise<(T | undefined)[]> {
	const out = entries.map((e) => settledGet<T>(e.key));
	const missing = entries.filter((e, i) => out[i] === undefined && isSettled(e.asOf, now));
	if (!missing.length) return out;
	const rows = await database
		.select({ key: t.settledFigures.key, value: t.settledFigures.value })
		.from(t.settledFigures)
		.where(
			inArray(
				t.settledFigures.key,
				missing.map((e) => storedKey(e.key))
			)
		);
	const found = new Map(rows.map((r) => [r.key, r.value as T]));
	return entries.map((e, i) => {
		if (out[i] !== undefined) return out[i];
		const value = found.get(storedKey(e.key));
		if (value !== undefined) settledSet(e.key, e.asOf, now, value);
		return value;
	});
}

/** Keeps figures just counted, those settled at `now`; one already kept by another server stays as it is. */
export async function keepSettled(
	database: DbOrTx,
	entries: readonly (SettledEntry & { value: unknown })[],
	now: Date
): Promise<void> {
	const settledOnes = entries.filter((e) => isSettled(e.asOf, now));
	if (!settledOnes.length) return;
	await database
		.insert(t.settledFigures)
		.values(settledOnes.map((e) => ({ key: storedKey(e.key), value: e.value, asOf: e.asOf })))
		.onConflictDoNothing();
	for (const e of settledOnes) settledSet(e.key, e.asOf, now, e.value);
}

/** A figure that only depends on append-only facts as of `asOf`: counted once, kept once settled. */
export async function settled<T>(
	database: DbOrTx,
	key: string,
	asOf: Date,
	now: Date,
	compute: () => Promise<T>
): Promise<T> {
	const [found] = await loadSettled<T>(database, [{ key, asOf }], now);
	if (found !== undefined) return found;
	const value = await compute();
	await keepSettled(database, [{ key, asOf, value }], now);
	return value;
}

/** For tests: forget what this server holds in memory (the database's copy stays). */
export function forgetSettled(): void {
	kept.clear();
}
