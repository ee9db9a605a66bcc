/**
 * The command dashboard (today, live) and the daily report (a day that is over), for the sites in a
 * principal's scope: admins see every site, staff and clinicians their own. Both read the same
 * aggregate queries; the report asks them as of the end of its day in each site's zone, so it is made
 * from what had been recorded by then and reads the same whenever it is opened.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Principal } from '../../domain/access';
import {
	ALERT_KINDS,
	byZone,
	dayBounds,
	datesEnding,
	datesFrom,
	emptyFigures,
	HISTORY_DAYS,
	localDate,
	PHASE_MODES,
	RELEASE_DAYS,
	sumFigures,
	UPCOMING_DAYS,
	type AlertKind,
	type SiteFigures
} from '../../domain/dashboard';
import { callSlotOf } from '../../domain/follow-up';
import type { PhaseMode } from '../../domain/plan';
import { db, type DbOrTx } from '../db';
import * as t from '../db/schema';
import { slotStart } from '../follow-up/call-list';
import * as q from './queries';
import { isSettled, keepSettled, loadSettled, settled } from './settled';

export interface ScopeSite {
	id: string;
	code: string;
	name: string;
	nameEn: string | null;
	kind: 'centralised' | 'community';
	timeZone: string;
}

/** The sites a principal's dashboard covers: every active site for an admin, their own for staff. */
export async function sitesInScope(principal: Principal, database: DbOrTx = db()): Promise<ScopeSite[]> {
	if (principal.role === 'resident') return [];
	if (principal.role !== 'admin' && principal.siteIds.length === 0) return [];
	return database
		.select({
			id: t.sites.id,
			code: t.sites.code,
			name: t.sites.name,
			nameEn: t.sites.nameEn,
			kind: t.sites.kind,
			timeZone: t.sites.timeZone
		})
		.from(t.sites)
		.where(
			principal.role === 'admin' ? eq(t.sites.active, true) : inArray(t.sites.id, [...principal.siteIds])
		)
		.orderBy(asc(t.sites.kind), asc(t.sites.code));
}

export interface SiteLine extends ScopeSite {
	figures: SiteFigures;
}

export interface Figures {
	sites: SiteLine[];
	total: SiteFigures;
}

interface Moment {
	asOf: Date;
	dayStart: Date;
	/** The call slot whose unreached home isolators count. */
	slot: { slot: 'morning' | 'evening'; slotDate: string; opened: Date };
	live: boolean;
	/** When the figures are asked for. */
	now: Date;
}

/** Today so far in a zone: from local midnight to now, the slot open now. */
function liveMoment(now: Date, timeZone: string): Moment {
	const s = callSlotOf(now, timeZone);
	return {
		asOf: now,
		dayStart: dayBounds(localDate(now, timeZone), timeZone).start,
		slot: { ...s, opened: slotStart(s.slot, s.slotDate, timeZone) },
		live: true,
		now
	};
}

/** A past day in a zone: as of its end, the evening slot of that day. */
function dayMoment(date: string, timeZone: string, now: Date): Moment {
	const day = dayBounds(date, timeZone);
	const s = callSlotOf(new Date(day.end.getTime() - 1), timeZone);
	return {
		asOf: day.end,
		dayStart: day.start,
		slot: { ...s, opened: slotStart(s.slot, s.slotDate, timeZone) },
		live: false,
		now
	};
}

/** Rows counted up to an instant plus rows counted since it, added up by site. */
function addUp<R extends { site_id: string | null }>(
	before: readonly R[],
	since: readonly R[],
	add: (a: R, b: R) => R
): R[] {
	const out = new Map(before.map((r) => [r.site_id, r]));
	for (const r of since) {
		const a = out.get(r.site_id);
		out.set(r.site_id, a ? add(a, r) : r);
	}
	return [...out.values()];
}

/**
 * A day's flows and the running totals: the totals as of the day's start are settled (kept once well
 * past), so only the day's events are counted. The day before's report, when kept, holds those totals
 * already (as of its end, this day's start): a report read day after day counts one day at a time.
 */
async function flowsToday(database: DbOrTx, ids: readonly string[], scope: string, m: Moment) {
	const start = m.dayStart.toISOString();
	const zero = { admitted_today: 0, released_today: 0, transferred_today: 0 };
	const [before, today] = await Promise.all([
		settled(database, `flows-total|${scope}|${start}`, m.dayStart, m.now, async () => {
			const [dayBefore] = await loadSettled<q.FlowRow[]>(
				database,
				[{ key: `flows|${scope}|${start}`, asOf: m.dayStart }],
				m.now
			);
			return dayBefore ?? q.flows(database, ids, m.dayStart, m.dayStart);
		}),
		q.flows(database, ids, m.dayStart, m.asOf, m.dayStart)
	]);
	return addUp(
		before.map((r) => ({ ...r, ...zero })),
		today,
		(a, b) => ({
			...b,
			released_total: a.released_total + b.released_total,
			transferred_total: a.transferred_total + b.transferred_total
		})
	);
}

/**
 * Close contacts tracked: the count as of the day's start (settled; the day before's report keeps the
 * same figure) plus those first admitted during the day.
 */
async function contactsToday(database: DbOrTx, ids: readonly string[], scope: string, m: Moment) {
	const [before, added] = await Promise.all([
		settled(database, `contacts|${scope}|${m.dayStart.toISOString()}`, m.dayStart, m.now, () =>
			q.closeContacts(database, ids, m.dayStart)
		),
		q.closeContactsSince(database, ids, m.dayStart, m.asOf)
	]);
	return addUp(before, added, (a, b) => ({ site_id: a.site_id, n: a.n + b.n }));
}

/** Beds and rooms awaiting disinfection by site, from the two counts of a past instant. */
function roomsOf(
	beds: readonly { site_id: string; capacity: number }[],
	awaiting: readonly { site_id: string; awaiting: number }[]
): q.RoomRow[] {
	const waiting = new Map(awaiting.map((r) => [r.site_id, r.awaiting]));
	return beds.map((b) => ({ ...b, awaiting: waiting.get(b.site_id) ?? 0 }));
}

/**
 * Every figure of the given sites (which share one zone) at one moment: seven aggregates. Live, they
 * are read from the stays as they stand and today's events; for a past moment, from the event history
 * as of then, the append-only parts kept once settled.
 */
async function figuresOf(database: DbOrTx, sites: readonly ScopeSite[], m: Moment) {
	const ids = sites.map((s) => s.id);
	const communities = sites.filter((s) => s.kind === 'community').map((s) => s.id);
	const zone = sites[0]!.timeZone;
	const scope = [...ids].sort().join(',');
	const past = (name: string, compute: () => Promise<unknown>) =>
		settled(database, `${name}|${scope}|${m.asOf.toISOString()}`, m.asOf, m.now, compute);
	const [observing, flows, contacts, alerts, unreached, due, rooms] = await Promise.all([
		m.live
			? q.observingNow(database, ids)
			: (past('observing', () => q.observingAt(database, ids, m.asOf)) as Promise<q.ObservingRow[]>),
		m.live
			? flowsToday(database, ids, scope, m)
			: (past('flows', () => flowsToday(database, ids, scope, m)) as Promise<q.FlowRow[]>),
		m.live
			? contactsToday(database, ids, scope, m)
			: (past('contacts', () => contactsToday(database, ids, scope, m)) as ReturnType<
					typeof q.closeContacts
				>),
		m.live ? q.activeAlertsNow(database, ids) : q.activeAlerts(database, ids, m.asOf),
		m.live
			? q.unreachedNow(database, communities, m.asOf, m.slot)
			: q.unreached(database, communities, m.asOf, m.slot),
		m.live
			? q.releasesDueNow(database, ids, m.asOf, zone, RELEASE_DAYS, UPCOMING_DAYS)
			: (past('due', () =>
					q.releasesDue(database, ids, m.asOf, zone, RELEASE_DAYS, UPCOMING_DAYS)
				) as Promise<q.ReleaseDueRow[]>),
		m.live
			? q.roomsNow(database, ids)
			: Promise.all([
					q.bedsAt(database, ids, m.asOf),
					past('awaiting', () => q.awaitingAt(database, ids, m.asOf)) as ReturnType<typeof q.awaitingAt>
				]).then(([beds, awaiting]) => roomsOf(beds, awaiting))
	]);
	const bySite = new Map(sites.map((s) => [s.id, emptyFigures()]));
	const of = (id: string | null) => (id ? bySite.get(id) : undefined);
	for (const r of observing) {
		const f = of(r.site_id);
		if (!f) continue;
		f.observing[r.mode] += r.n;
	}
	for (const r of flows) {
		const f = of(r.site_id);
		if (!f) continue;
		f.admittedToday = r.admitted_today;
		f.releasedToday = r.released_today;
		f.releasedTotal = r.released_total;
		f.transferredToday = r.transferred_today;
		f.transferredTotal = r.transferred_total;
	}
	for (const r of contacts) {
		const f = of(r.site_id);
		if (f) f.closeContactsTotal = r.n;
	}
	for (const r of alerts) {
		const f = of(r.site_id);
		if (!f) continue;
		f.alerts[r.severity] += r.n;
		f.alerts.byKind[r.kind] = (f.alerts.byKind[r.kind] ?? 0) + r.n;
		if (r.kind === 'delivery_overdue') f.deliveriesOverdue += r.n;
	}
	for (const r of unreached) {
		const f = of(r.site_id);
		if (f) f.unreached = r.n;
	}
	for (const r of due) {
		const f = of(r.site_id);
		if (f && r.within) f.releasesDue += r.n;
	}
	for (const r of rooms) {
		const f = of(r.site_id);
		if (!f) continue;
		f.capacity = r.capacity;
		f.awaitingDisinfection = r.awaiting;
	}
	for (const s of sites) {
		// Beds taken: stays under observation at a centralised site.
		const f = bySite.get(s.id)!;
		if (s.kind === 'centralised') f.occupied = PHASE_MODES.reduce((n, mode) => n + f.observing[mode], 0);
	}
	const distinctContacts = contacts.find((r) => r.site_id === null)?.n ?? 0;
	return { bySite, distinctContacts, due, observing };
}

async function figuresAcross(
	database: DbOrTx,
	sites: readonly ScopeSite[],
	momentFor: (timeZone: string) => Moment
) {
	const bySite = new Map<string, SiteFigures>();
	let contacts = 0;
	const due: (q.ReleaseDueRow & { timeZone: string })[] = [];
	const observing = new Map<string, q.ObservingRow[]>();
	// Sites of one zone share their day's bounds: one set of queries per zone (usually just one).
	for (const [zone, group] of byZone(sites)) {
		const part = await figuresOf(database, group, momentFor(zone));
		for (const [id, f] of part.bySite) bySite.set(id, f);
		contacts += part.distinctContacts;
		due.push(...part.due.map((r) => ({ ...r, timeZone: zone })));
		observing.set(zone, part.observing);
	}
	const lines = sites.map((s) => ({ ...s, figures: bySite.get(s.id) ?? emptyFigures() }));
	return {
		figures: {
			sites: lines,
			total: sumFigures(
				lines.map((l) => l.figures),
				contacts
			)
		} satisfies Figures,
		due,
		observing
	};
}

export interface Charts {
	/** The local dates of the history charts, oldest first (the last is today). */
	days: string[];
	census: Record<PhaseMode, number[]>;
	admitted: number[];
	released: number[];
	alerts: Partial<Record<AlertKind, number[]>>;
	/** Releases due per local day from today on. */
	upcomingDays: string[];
	upcoming: number[];
}

/**
 * The census at each point, the past ones from what this server has kept (they never change, see
 * settled.ts), the last (now) from `live` when the figures already counted it.
 */
async function censusOf(
	database: DbOrTx,
	ids: readonly string[],
	points: readonly Date[],
	now: Date,
	live: Promise<q.ObservingRow[] | undefined>
): Promise<q.ObservingRow[][]> {
	const scope = [...ids].sort().join(',');
	const keyOf = (p: Date) => `census|${scope}|${p.toISOString()}`;
	const past = points.slice(0, -1);
	const entries = past.map((p) => ({ key: keyOf(p), asOf: p }));
	const kept = await loadSettled<q.ObservingRow[]>(database, entries, now);
	if (kept.every((k) => k !== undefined)) {
		const last = (await live) ?? (await q.observingAt(database, ids, points[points.length - 1]!));
		return [...(kept as q.ObservingRow[][]), last];
	}
	const all = await q.censusAt(database, ids, points);
	await keepSettled(
		database,
		entries.map((e, i) => ({ ...e, value: all[i]! })),
		now
	);
	return all;
}

/** Admissions and releases per day: the days before today kept once settled, today counted live. */
async function flowsPerDayOf(
	database: DbOrTx,
	ids: readonly string[],
	from: Date,
	todayStart: Date,
	now: Date,
	zone: string
): ReturnType<typeof q.flowsPerDay> {
	const key = `flows|${[...ids].sort().join(',')}|${zone}|${from.toISOString()}|${todayStart.toISOString()}`;
	const [before, today] = await Promise.all([
		settled(database, key, todayStart, now, () => q.flowsPerDay(database, ids, from, todayStart, zone)),
		q.flowsPerDay(database, ids, todayStart, now, zone)
	]);
	return [...before, ...today];
}

async function chartsOf(
	database: DbOrTx,
	sites: readonly ScopeSite[],
	now: Date,
	mainZone: string,
	/** From the figures, which are counted at the same time. */
	figures: Promise<{ due: readonly q.ReleaseDueRow[]; observing: ReadonlyMap<string, q.ObservingRow[]> }>,
	/** The scope is every active site (an admin's). */
	everyActiveSite = false
): Promise<Charts> {
	const today = localDate(now, mainZone);
	const days = datesEnding(today, HISTORY_DAYS);
	const index = new Map(days.map((d, i) => [d, i]));
	const zeros = () => days.map(() => 0);
	const census = Object.fromEntries(PHASE_MODES.map((m) => [m, zeros()])) as Record<PhaseMode, number[]>;
	const admitted = zeros();
	const released = zeros();
	const alerts: Partial<Record<AlertKind, number[]>> = {};
	const zones = byZone(sites);
	for (const [zone, group] of zones) {
		const ids = group.map((s) => s.id);
		const zoneDays = datesEnding(localDate(now, zone), HISTORY_DAYS);
		// Each past day as of its end; today as of now.
		const points = zoneDays.map((d, i) => (i === zoneDays.length - 1 ? now : dayBounds(d, zone).end));
		const from = dayBounds(zoneDays[0]!, zone).start;
		const todayStart = dayBounds(zoneDays[zoneDays.length - 1]!, zone).start;
		const [observing, flows, raised] = await Promise.all([
			censusOf(
				database,
				ids,
				points,
				now,
				figures.then((f) => f.observing.get(zone))
			),
			flowsPerDayOf(database, ids, from, todayStart, now, zone),
			// One zone holding every active site: the alerts need not be matched to the sites one by one.
			q.alertsPerDay(
				database,
				everyActiveSite && zones.size === 1 ? 'every-active-site' : ids,
				from,
				now,
				zone
			)
		]);
		observing.forEach((rows, i) => {
			for (const r of rows) census[r.mode][i]! += r.n;
		});
		for (const r of flows) {
			const i = index.get(r.day);
			if (i !== undefined) (r.kind === 'admitted' ? admitted : released)[i]! += r.n;
		}
		for (const r of raised) {
			const i = index.get(r.day);
			if (i === undefined) continue;
			(alerts[r.kind] ??= zeros())[i]! += r.n;
		}
	}
	const upcomingDays = datesFrom(today, UPCOMING_DAYS);
	const upIndex = new Map(upcomingDays.map((d, i) => [d, i]));
	const upcoming = upcomingDays.map(() => 0);
	for (const r of (await figures).due) {
		const i = upIndex.get(r.due_date);
		if (i !== undefined) upcoming[i]! += r.n;
	}
	// Kinds in their fixed order, only those that occurred.
	const ordered: Partial<Record<AlertKind, number[]>> = {};
	for (const k of ALERT_KINDS) if (alerts[k]) ordered[k] = alerts[k];
	return { days, census, admitted, released, alerts: ordered, upcomingDays, upcoming };
}

export interface Dashboard extends Figures {
	asOf: Date;
	today: string;
	timeZone: string;
	charts: Charts;
}

/** The live dashboard at `now`. */
export async function dashboard(principal: Principal, now = new Date()): Promise<Dashboard> {
	const database = db();
	const sites = await sitesInScope(principal, database);
	const mainZone = sites[0]?.timeZone ?? 'Asia/Shanghai';
	// The charts' own queries run alongside the figures; they take the census of now and the releases
	// due from them.
	const counted = figuresAcross(database, sites, (zone) => liveMoment(now, zone));
	const [{ figures }, charts] = await Promise.all([
		counted,
		chartsOf(database, sites, now, mainZone, counted, principal.role === 'admin')
	]);
	return { ...figures, asOf: now, today: localDate(now, mainZone), timeZone: mainZone, charts };
}

export interface DailyReport extends Figures {
	date: string;
	/** The end of the day in the main zone: the instant the figures stand at. */
	asOf: Date;
	timeZone: string;
}

/** The figures as of the end of `date` in each site's zone (the caller checks the date is past). */
export async function dailyReport(
	principal: Principal,
	date: string,
	now = new Date()
): Promise<DailyReport> {
	const database = db();
	const sites = await sitesInScope(principal, database);
	const mainZone = sites[0]?.timeZone ?? 'Asia/Shanghai';
	const { figures } = await figuresAcross(database, sites, (zone) => dayMoment(date, zone, now));
	return { ...figures, date, asOf: dayBounds(date, mainZone).end, timeZone: mainZone };
}

/** The zone a principal's dates are read in (the first site's, or the default). */
export async function mainZoneOf(principal: Principal): Promise<string> {
	const sites = await sitesInScope(principal);
	return sites[0]?.timeZone ?? 'Asia/Shanghai';
}

/** Headquarters' view: every active site. */
const HEADQUARTERS: Principal = { userId: '', role: 'admin', siteIds: [], residentId: null, readOnly: false };

/**
 * Counts, for every active site, what settles each night: yesterday's daily report and the totals
 * today's dashboard starts from. Kept (settled.ts), they are there for the first reader of the day.
 * Returns the local date it counted for (`done` when that day was counted already), or null when the
 * day's start is not yet settled.
 */
export async function warmSettled(now = new Date(), done: string | null = null): Promise<string | null> {
	const zone = await mainZoneOf(HEADQUARTERS);
	const [yesterday, today] = datesEnding(localDate(now, zone), 2) as [string, string];
	if (today === done) return done;
	if (!isSettled(dayBounds(today, zone).start, now)) return null;
	await dailyReport(HEADQUARTERS, yesterday, now);
	await dashboard(HEADQUARTERS, now);
	return today;
}
