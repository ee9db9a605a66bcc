/**
 * The dashboard's and the daily report's counting, as a few aggregate queries over the recorded facts:
 * stay events (admission, phase change, handover, release, other outcomes), alerts, calls and readings.
 *
 * A stay's state at an instant T comes from its events known before T (an event is known from
 * `greatest(occurred_at, recorded_at)`): the site of its latest event, the phase of its latest phase
 * change (0 before any), and whether that latest event ended it. Because rows are only ever added with
 * the current time, a figure as of a past instant never changes afterwards.
 */
import { sql, type SQL } from 'drizzle-orm';
import { releaseSpans, releaseWindow, type AlertKind, type Severity } from '../../domain/dashboard';
import type { PhaseMode } from '../../domain/plan';
import type { DbOrTx } from '../db';
import { rowsOf, sqlArray } from '../db/raw';

const uuids = (ids: readonly string[]) => sqlArray(ids, 'uuid');
const instants = (ts: readonly Date[]) =>
	sqlArray(
		ts.map((t) => t.toISOString()),
		'timestamptz'
	);
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** When an event became known: it had happened and it had been written down. */
const KNOWN = sql.raw('greatest(e.occurred_at, e.recorded_at)');

/**
 * The state segments of stays up to `until`: from one event to the next, which site managed the stay,
 * in which phase (of the stay's own plan snapshot, `phases`), and whether it had ended. A stay only ever
 * moves forward through its phases, so the phase at an event is the highest reached so far: one window
 * (one sort) gives the phase and the next event together.
 *
 * Only stays that can be under observation at or after `since` are read: active ones, and ended ones
 * whose end happened or was written down (`updated_at`) since then; `only` narrows them further (the
 * stays with an alert, a failed call). At city scale this keeps the windows to the live stays.
 */
function segments(until: Date, since: Date | null, only?: SQL): SQL {
	const live = since
		? sql`and (s0.status = 'active' or s0.outcome_at >= ${at(since)} or s0.updated_at >= ${at(since)})`
		: sql``;
	return sql`
		ev as (
			select e.id, e.stay_id, e.kind, e.site_id, ${KNOWN} as at, s0.plan_phases as phases,
				case when e.kind in ('phase_changed', 'handed_over')
					then coalesce(e.data->>'to', e.data->>'toPhase')::int end as to_phase
			from stay_events e
			join stays s0 on s0.id = e.stay_id ${live}
			where e.kind in ('admitted', 'phase_changed', 'handed_over', 'site_transferred', 'released', 'outcome')
				and ${KNOWN} < ${at(until)} ${only ? sql`and e.stay_id in (${only})` : sql``}
		),
		seg as (
			select ev.stay_id, ev.site_id, ev.kind in ('released', 'outcome') as ended, ev.phases,
				coalesce(max(ev.to_phase) over w, 0) as phase_index,
				ev.at as from_at,
				lead(ev.at) over w as to_at
			from ev
			window w as (partition by ev.stay_id order by ev.at, ev.id)
		)`;
}

/** Segments in force at each of the instants (known before it, and not yet followed by another event). */
const covering = sql`pts.t > seg.from_at and (seg.to_at is null or seg.to_at >= pts.t)`;

export interface ObservingRow {
	site_id: string;
	mode: PhaseMode;
	n: number;
}

/** Stays under observation at an instant, by site and phase. */
export async function observingAt(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date
): Promise<ObservingRow[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<ObservingRow>(
		await db.execute(sql`
			with ${segments(asOf, asOf)},
			pts as (select ${at(asOf)} as t)
			select seg.site_id, seg.phases -> seg.phase_index ->> 'mode' as mode, count(*)::int as n
			from seg
			join pts on ${covering}
			where not seg.ended and seg.site_id = any(${uuids(siteIds)})
			group by 1, 2`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * The census at each of the instants (ascending), by site and phase: the state at the first, then what
 * changed between one instant and the next (a stay counts at t while its segment began before t and its
 * next event came at or after t), so the cost grows with the events, not with events × instants.
 * Returns one list of rows per instant.
 */
export async function censusAt(
	db: DbOrTx,
	siteIds: readonly string[],
	points: readonly Date[]
): Promise<ObservingRow[][]> {
	if (!siteIds.length || !points.length) return points.map(() => []);
	const first = points[0]!;
	const last = points[points.length - 1]!;
	const [base, deltas] = await Promise.all([
		observingAt(db, siteIds, first),
		db.execute(sql`
			with ${segments(last, first)}
			select seg.site_id, seg.phases -> seg.phase_index ->> 'mode' as mode,
				width_bucket(x.at, ${instants(points)})::int as bucket, sum(x.d)::int as n
			from seg
			cross join lateral (values (seg.from_at, 1), (seg.to_at, -1)) as x(at, d)
			where not seg.ended and seg.site_id = any(${uuids(siteIds)})
				and x.at >= ${at(first)} and x.at < ${at(last)}
			group by 1, 2, 3`)
	]);
	const key = (r: { site_id: string; mode: string }) => `${r.site_id}|${r.mode}`;
	const running = new Map(base.map((r) => [key(r), { ...r }]));
	const byBucket = new Map<number, (ObservingRow & { bucket: number })[]>();
	for (const r of rowsOf<ObservingRow & { bucket: number }>(deltas)) {
		const b = Number(r.bucket);
		byBucket.set(b, [...(byBucket.get(b) ?? []), { ...r, n: Number(r.n) }]);
	}
	const out: ObservingRow[][] = [];
	for (let k = 1; k <= points.length; k++) {
		// Changes in [p(k-1), p(k)) fall in bucket k-1 and count from instant k on.
		for (const d of byBucket.get(k - 1) ?? []) {
			const row = running.get(key(d)) ?? { site_id: d.site_id, mode: d.mode, n: 0 };
			row.n += d.n;
			running.set(key(d), row);
		}
		out.push([...running.values()].filter((r) => r.n !== 0).map((r) => ({ ...r })));
	}
	return out;
}

export interface FlowRow {
	site_id: string;
	admitted_today: number;
	released_today: number;
	released_total: number;
	transferred_today: number;
	transferred_total: number;
}

/**
 * Admissions, releases and transfers to hospital known in [dayStart, asOf), and in total before asOf;
 * with `since`, only events known from then on count (in the totals too): the part of the totals that
 * is still growing, to add to the settled part before it.
 */
export async function flows(
	db: DbOrTx,
	siteIds: readonly string[],
	dayStart: Date,
	asOf: Date,
	since?: Date
): Promise<FlowRow[]> {
	if (!siteIds.length) return [];
	const today = sql`e.at >= ${at(dayStart)}`;
	const transferred = sql`e.kind = 'outcome' and e.outcome = 'transferred_hospital'`;
	const rows = rowsOf<FlowRow>(
		await db.execute(sql`
			select e.site_id,
				count(*) filter (where e.kind = 'admitted' and ${today})::int as admitted_today,
				count(*) filter (where e.kind = 'released' and ${today})::int as released_today,
				count(*) filter (where e.kind = 'released')::int as released_total,
				count(*) filter (where ${transferred} and ${today})::int as transferred_today,
				count(*) filter (where ${transferred})::int as transferred_total
			from (
				select e.site_id, e.kind, e.data->>'outcome' as outcome, ${KNOWN} as at
				from stay_events e
				where e.kind in ('admitted', 'released', 'outcome') and ${KNOWN} < ${at(asOf)}
					${since ? sql`and ${KNOWN} >= ${at(since)}` : sql``}
					and e.site_id = any(${uuids(siteIds)})
			) e
			group by e.site_id`)
	);
	return rows.map((r) => ({
		site_id: r.site_id,
		admitted_today: Number(r.admitted_today),
		released_today: Number(r.released_today),
		released_total: Number(r.released_total),
		transferred_today: Number(r.transferred_today),
		transferred_total: Number(r.transferred_total)
	}));
}

/**
 * Close contacts tracked in total: people admitted as close contacts before asOf, per admitting site,
 * and (site_id null) once each over every site in scope.
 */
export async function closeContacts(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date
): Promise<{ site_id: string | null; n: number }[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<{ site_id: string | null; n: number }>(
		await db.execute(sql`
			select e.site_id, count(distinct s.resident_id)::int as n
			from stay_events e
			join stays s on s.id = e.stay_id
			where e.kind = 'admitted' and s.category = 'close_contact' and ${KNOWN} < ${at(asOf)}
				and e.site_id = any(${uuids(siteIds)})
			group by grouping sets ((e.site_id), ())`)
	);
	return rows.map((r) => ({ site_id: r.site_id, n: Number(r.n) }));
}

/**
 * The close contacts that `closeContacts` as of asOf counts beyond its count as of `since`: people
 * admitted as close contacts in [since, asOf) with no such admission known before `since`, per site
 * (none at that site) and, site_id null, over the scope (none at any site in it).
 */
export async function closeContactsSince(
	db: DbOrTx,
	siteIds: readonly string[],
	since: Date,
	asOf: Date
): Promise<{ site_id: string | null; n: number }[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<{ site_id: string | null; n: number }>(
		await db.execute(sql`
			with t as (
				select e.site_id, s.resident_id
				from stay_events e
				-- One stay looked up per admission of the day (offset 0 keeps the planner from reading
				-- every close contact's stay to hash them).
				cross join lateral (
					select s.resident_id from stays s
					where s.id = e.stay_id and s.category = 'close_contact' offset 0
				) s
				where e.kind = 'admitted'
					and ${KNOWN} >= ${at(since)} and ${KNOWN} < ${at(asOf)}
					and e.site_id = any(${uuids(siteIds)})
			),
			-- Whether each was admitted as a close contact before: at the same site, at any site in scope.
			f as (
				select t.site_id, t.resident_id, x.same_site, x.in_scope
				from t
				cross join lateral (
					select coalesce(bool_or(e2.site_id = t.site_id), false) as same_site,
						coalesce(bool_or(e2.site_id = any(${uuids(siteIds)})), false) as in_scope
					from stays s2
					join stay_events e2 on e2.stay_id = s2.id and e2.kind = 'admitted'
					where s2.resident_id = t.resident_id and s2.category = 'close_contact'
						and greatest(e2.occurred_at, e2.recorded_at) < ${at(since)}
				) x
			)
			select site_id, count(distinct resident_id)::int as n from f where not same_site group by 1
			union all
			select null, count(distinct resident_id)::int from f where not in_scope`)
	);
	return rows.map((r) => ({ site_id: r.site_id, n: Number(r.n) }));
}

export interface AlertRow {
	site_id: string;
	kind: AlertKind;
	severity: Severity;
	n: number;
}

/**
 * Alerts active (open or acknowledged) at asOf, by the site managing the stay then: raised before it
 * and not yet resolved. Severity is the alert's highest, as stored.
 */
export async function activeAlerts(db: DbOrTx, siteIds: readonly string[], asOf: Date): Promise<AlertRow[]> {
	if (!siteIds.length) return [];
	const activeAt = sql`a.first_triggered_at < ${at(asOf)} and (a.resolved_at is null or a.resolved_at >= ${at(asOf)})`;
	const rows = rowsOf<AlertRow>(
		await db.execute(sql`
			with ${segments(asOf, null, sql`select a.stay_id from alerts a where ${activeAt}`)},
			pts as (select ${at(asOf)} as t)
			select seg.site_id, a.kind, a.severity, count(*)::int as n
			from alerts a
			join seg on seg.stay_id = a.stay_id
			join pts on ${covering}
			where ${activeAt} and seg.site_id = any(${uuids(siteIds)})
			group by 1, 2, 3`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * Home isolators still unreached in a call slot at asOf: under observation in a home phase at a
 * community, with a failed call in the slot, no reached call in it, and no reading since it opened
 * (a self-report counts as heard from, as on the call list).
 */
export async function unreached(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date,
	slot: { slot: 'morning' | 'evening'; slotDate: string; opened: Date }
): Promise<{ site_id: string; n: number }[]> {
	if (!siteIds.length) return [];
	const inSlot = sql`c.stay_id = seg.stay_id and c.slot = ${slot.slot} and c.slot_date = ${slot.slotDate}
		and c.attempted_at < ${at(asOf)}`;
	const rows = rowsOf<{ site_id: string; n: number }>(
		await db.execute(sql`
			with ${segments(
				asOf,
				asOf,
				sql`select c.stay_id from calls c where c.slot = ${slot.slot} and c.slot_date = ${slot.slotDate}
					and c.outcome <> 'reached' and c.attempted_at < ${at(asOf)}`
			)},
			pts as (select ${at(asOf)} as t)
			select seg.site_id, count(*)::int as n
			from seg
			join pts on ${covering}
			join sites si on si.id = seg.site_id and si.kind = 'community'
			where not seg.ended and seg.site_id = any(${uuids(siteIds)})
				and seg.phases -> seg.phase_index ->> 'mode' <> 'centralised'
				and exists (select 1 from calls c where ${inSlot} and c.outcome <> 'reached')
				and not exists (select 1 from calls c where ${inSlot} and c.outcome = 'reached')
				and not exists (
					select 1 from readings r
					where r.stay_id = seg.stay_id and r.taken_at >= ${at(slot.opened)} and r.taken_at < ${at(asOf)}
				)
			group by 1`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface ReleaseDueRow {
	site_id: string;
	due_date: string;
	within: boolean;
	n: number;
}

/**
 * Stays under observation at asOf whose release falls in [asOf, asOf + horizonDays), by local due date
 * in `timeZone`, and whether it falls within the first `withinDays`. The release instant is the plan's
 * as it stood at asOf: extensions decided later are left out.
 */
export async function releasesDue(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date,
	timeZone: string,
	withinDays: number,
	horizonDays: number
): Promise<ReleaseDueRow[]> {
	if (!siteIds.length) return [];
	const window = releaseWindow(asOf, withinDays, horizonDays);
	const rows = rowsOf<ReleaseDueRow>(
		await db.execute(sql`
			with ${segments(asOf, asOf)},
			pts as (select ${at(asOf)} as t),
			due as (
				-- The release instant kept on the stay, less the extensions decided at or after asOf.
				select seg.site_id, s.release_due_at - case when s.extensions = '[]'::jsonb then interval '0'
					else coalesce((select sum((x->>'hours')::numeric) from jsonb_array_elements(s.extensions) x
						where (x->>'at')::timestamptz >= ${at(asOf)}), 0) * interval '1 hour' end as due_at
				from seg
				join pts on ${covering}
				join stays s on s.id = seg.stay_id
				where not seg.ended and seg.site_id = any(${uuids(siteIds)})
			)
			select site_id, to_char(due_at at time zone ${timeZone}, 'YYYY-MM-DD') as due_date,
				due_at < ${at(window.within)} as within, count(*)::int as n
			from due
			where due_at >= ${at(asOf)} and due_at < ${at(window.end)}
			group by 1, 2, 3`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/*
 * The live dashboard's figures as of now, from the stays themselves (their site, phase, release instant
 * and status are kept current by the use cases in the same transaction as the events): what the as-of
 * queries above derive from the event history, read from the stays indexes instead. An integration
 * test holds each pair equal.
 */

/** Stays under observation now, by site and phase. */
export async function observingNow(db: DbOrTx, siteIds: readonly string[]): Promise<ObservingRow[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<ObservingRow>(
		await db.execute(sql`
			select s.site_id, s.phase_mode as mode, count(*)::int as n
			from stays s
			where s.status = 'active' and s.site_id = any(${uuids(siteIds)})
			group by 1, 2`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * `activeAlerts` as of now: the active alerts (open or acknowledged) by the site managing each stay
 * now, from the alerts' partial index.
 */
export async function activeAlertsNow(db: DbOrTx, siteIds: readonly string[]): Promise<AlertRow[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<AlertRow>(
		await db.execute(sql`
			select s.site_id, a.kind, a.severity, count(*)::int as n
			from alerts a
			-- One stay looked up per active alert (offset 0 keeps the planner from reading every stay to
			-- hash them).
			cross join lateral (
				select s.site_id from stays s where s.id = a.stay_id and s.site_id = any(${uuids(siteIds)}) offset 0
			) s
			where a.status in ('open', 'acknowledged')
			group by 1, 2, 3`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * `releasesDue` as of now, from the active stays' index alone: each release instant falls in one span
 * of the window (cut at local midnights and at the "due soon" line, see `releaseSpans`), so no row's
 * date is worked out in the database.
 */
export async function releasesDueNow(
	db: DbOrTx,
	siteIds: readonly string[],
	now: Date,
	timeZone: string,
	withinDays: number,
	horizonDays: number
): Promise<ReleaseDueRow[]> {
	if (!siteIds.length) return [];
	const { bounds, spans } = releaseSpans(now, timeZone, withinDays, horizonDays);
	const rows = rowsOf<{ site_id: string; span: number; n: number }>(
		await db.execute(sql`
			select s.site_id, width_bucket(s.release_due_at, ${instants(bounds)})::int as span, count(*)::int as n
			from stays s
			where s.status = 'active' and s.site_id = any(${uuids(siteIds)})
				and s.release_due_at >= ${at(bounds[0]!)} and s.release_due_at < ${at(bounds[bounds.length - 1]!)}
			group by 1, 2`)
	);
	// Spans of one date on the same side of the line add up to one row, as `releasesDue` gives them.
	const out = new Map<string, ReleaseDueRow>();
	for (const r of rows) {
		const span = spans[Number(r.span) - 1]!;
		const key = `${r.site_id}|${span.date}|${span.within}`;
		const row = out.get(key) ?? { site_id: r.site_id, due_date: span.date, within: span.within, n: 0 };
		row.n += Number(r.n);
		out.set(key, row);
	}
	return [...out.values()];
}

/** `unreached` as of now: from the slot's failed calls to their stays. */
export async function unreachedNow(
	db: DbOrTx,
	siteIds: readonly string[],
	now: Date,
	slot: { slot: 'morning' | 'evening'; slotDate: string; opened: Date }
): Promise<{ site_id: string; n: number }[]> {
	if (!siteIds.length) return [];
	const inSlot = sql`c.stay_id = s.id and c.slot = ${slot.slot} and c.slot_date = ${slot.slotDate}
		and c.attempted_at < ${at(now)}`;
	const rows = rowsOf<{ site_id: string; n: number }>(
		await db.execute(sql`
			with failed as materialized (
				select distinct c.stay_id from calls c where c.slot = ${slot.slot} and c.slot_date = ${slot.slotDate}
					and c.outcome <> 'reached' and c.attempted_at < ${at(now)}
			)
			select s.site_id, count(*)::int as n
			from failed f
			-- One stay looked up per failed call (offset 0 keeps the planner from reading every active
			-- stay in scope to hash them).
			cross join lateral (
				select s.id, s.site_id from stays s
				where s.id = f.stay_id and s.status = 'active' and s.site_id = any(${uuids(siteIds)})
					and s.phase_mode <> 'centralised'
					and s.site_id = any(array(select si.id from sites si where si.kind = 'community'))
				offset 0
			) s
			where not exists (select 1 from calls c where ${inSlot} and c.outcome = 'reached')
				and not exists (
					select 1 from readings r
					where r.stay_id = s.id and r.taken_at >= ${at(slot.opened)} and r.taken_at < ${at(now)}
				)
			group by 1`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface RoomRow {
	site_id: string;
	capacity: number;
	awaiting: number;
}

/** Beds and rooms awaiting terminal disinfection now, from the rooms themselves. */
export async function roomsNow(db: DbOrTx, siteIds: readonly string[]): Promise<RoomRow[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<RoomRow>(
		await db.execute(sql`
			select r.site_id, coalesce(sum(r.capacity) filter (where r.status <> 'out_of_service'), 0)::int as capacity,
				count(*) filter (where r.status = 'needs_disinfection')::int as awaiting
			from rooms r
			where r.site_id = any(${uuids(siteIds)})
			group by 1`)
	);
	return rows.map((r) => ({ ...r, capacity: Number(r.capacity), awaiting: Number(r.awaiting) }));
}

/** Beds at a past instant: those of the rooms that existed then, as each room's capacity stands now. */
export async function bedsAt(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date
): Promise<{ site_id: string; capacity: number }[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<{ site_id: string; capacity: number }>(
		await db.execute(sql`
			select r.site_id, coalesce(sum(r.capacity), 0)::int as capacity
			from rooms r
			where r.site_id = any(${uuids(siteIds)}) and r.created_at < ${at(asOf)}
			group by 1`)
	);
	return rows.map((r) => ({ ...r, capacity: Number(r.capacity) }));
}

/**
 * Rooms awaiting terminal disinfection at a past instant, from the record: a room awaited disinfection
 * when a stay had left it (release, other outcome, handover, transfer) and no "mark clean" was audited
 * for it between that departure and asOf. It rests on stay events and the audit log alone, both only
 * ever added to with the current time, so the count as of a past instant never changes.
 */
export async function awaitingAt(
	db: DbOrTx,
	siteIds: readonly string[],
	asOf: Date
): Promise<{ site_id: string; awaiting: number }[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<{ site_id: string; awaiting: number }>(
		await db.execute(sql`
			with vacated as (
				select coalesce(e.data->>'fromRoomId', e.data->>'roomId')::uuid as room_id, max(${KNOWN}) as at
				from stay_events e
				where e.kind in ('released', 'outcome', 'handed_over', 'room_transferred', 'site_transferred')
					and coalesce(e.data->>'fromRoomId', e.data->>'roomId') is not null
					and ${KNOWN} < ${at(asOf)}
				group by 1
			)
			select r.site_id, count(*)::int as awaiting
			from vacated v
			join rooms r on r.id = v.room_id
			where r.site_id = any(${uuids(siteIds)}) and r.created_at < ${at(asOf)}
				and not exists (
					select 1 from audit_log a
					where a.entity = 'room' and a.action = 'mark_clean' and a.entity_id = v.room_id::text
						and a.at >= v.at and a.at < ${at(asOf)}
				)
			group by 1`)
	);
	return rows.map((r) => ({ ...r, awaiting: Number(r.awaiting) }));
}

/** Admissions and releases per local day in [from, to), in scope of the event's site. */
export async function flowsPerDay(
	db: DbOrTx,
	siteIds: readonly string[],
	from: Date,
	to: Date,
	timeZone: string
): Promise<{ day: string; kind: 'admitted' | 'released'; n: number }[]> {
	if (!siteIds.length) return [];
	const rows = rowsOf<{ day: string; kind: 'admitted' | 'released'; n: number }>(
		await db.execute(sql`
			select to_char(${KNOWN} at time zone ${timeZone}, 'YYYY-MM-DD') as day, e.kind, count(*)::int as n
			from stay_events e
			where e.kind in ('admitted', 'released') and ${KNOWN} >= ${at(from)} and ${KNOWN} < ${at(to)}
				and e.site_id = any(${uuids(siteIds)})
			group by 1, 2`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * Alerts raised per local day in [from, to) by kind, in scope of the site managing the stay now. For
 * the scope of every active site, only the few stays managed by an inactive site are left out, instead
 * of matching every alert to its stay's site.
 */
export async function alertsPerDay(
	db: DbOrTx,
	siteIds: readonly string[] | 'every-active-site',
	from: Date,
	to: Date,
	timeZone: string
): Promise<{ day: string; kind: AlertKind; n: number }[]> {
	if (!siteIds.length) return [];
	const inScope =
		siteIds === 'every-active-site'
			? sql`a.stay_id not in (
					select s.id from stays s join sites si on si.id = s.site_id where not si.active)`
			: sql`exists (select 1 from stays s where s.id = a.stay_id and s.site_id = any(${uuids(siteIds)}))`;
	const rows = rowsOf<{ day: string; kind: AlertKind; n: number }>(
		await db.execute(sql`
			select day::text as day, kind, sum(n)::int as n from (
				select (a.first_triggered_at at time zone ${timeZone})::date as day, a.kind, count(*) as n
				from alerts a
				where a.first_triggered_at >= ${at(from)} and a.first_triggered_at < ${at(to)} and ${inScope}
				group by 1, 2
			) x
			group by 1, 2`)
	);
	return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
