/**
 * A synthetic city for load and benchmark runs (`npm run seed -- --city [--scale S]`, `npm run bench`).
 * The same seed gives the same rows, ids included, on PostgreSQL and on the embedded database alike.
 *
 * Shape (the benchmark's city at scale 1):
 * - `active` stays under observation now (20,000): six in ten in centralised sites of 300 rooms, one
 *   resident per room, on the 7+3 plan; the rest isolating at home across communities of about 400, the
 *   first community four times larger (2,000 at scale 1) so its call list is the long one.
 * - `released` stays of earlier weeks (50,000), ended at the rate the active ones would end, so the city
 *   is in a steady state: the last `days` days hold about two readings per active stay and day.
 * - twice-daily readings (08:xx and 19:xx local) of every stay over the last `days` days (≈ 560,000 at
 *   scale 1), a few residents running fevers; the fever alerts those readings imply (open, acknowledged,
 *   or resolved once old); one follow-up call a day for home isolators; a medicine or supply delivery for
 *   one stay in three; and a "room cleaned" audit row for each room a released resident left.
 *
 * People, stays and stay events are made here (they need the plan and ID-number rules); readings,
 * alerts, calls, deliveries and audit rows are generated inside the database with `generate_series`, with
 * every random choice taken from an md5 hash of the seed and the row's key, so no value depends on the
 * order rows are produced in. Residents, stays and events go in as multi-row inserts.
 */
import { inArray, like, sql, type SQL } from 'drizzle-orm';
import { PLAN_PRESETS, periodStart, position, schedule } from '../../../domain/plan';
import type { Db } from '../client';
import * as t from '../schema';
import { createRng, fakePerson } from './people';

export interface SyntheticOptions {
	/** Stays under observation now. */
	residents: number;
	/** Stays that ended before now (released), spread over the weeks before. */
	released?: number;
	seed?: number;
	/** Days of readings, calls and deliveries before now. */
	days?: number;
	now?: Date;
	timeZone?: string;
}

export interface SyntheticSummary {
	sites: number;
	rooms: number;
	residents: number;
	activeStays: number;
	releasedStays: number;
	readings: number;
	alerts: number;
	calls: number;
	deliveries: number;
}

export const CITY = { active: 20_000, released: 50_000, days: 14 } as const;
export const ROOMS_PER_SITE = 300;
const PER_COMMUNITY = 400;
const DAY = 24 * 3600_000;
/** Days a stay of the synthetic city lasts (both plans it uses run 7 days before release or handover). */
const STAY_DAYS = 7;

/** Rows per INSERT: one JSON parameter each, so building the statement costs next to nothing. */
const BATCH = 5000;

const ROOM_COLUMNS = {
	id: 'uuid',
	site_id: 'uuid',
	floor: 'smallint',
	number: 'text',
	walk_order: 'integer',
	status: 'room_status'
};
const RESIDENT_COLUMNS = {
	id: 'uuid',
	name: 'text',
	id_number: 'text',
	id_last4: 'text',
	sex: 'sex',
	birth_date: 'date',
	phone: 'text',
	phone_last4: 'text',
	emergency_contact_name: 'text',
	emergency_contact_phone: 'text',
	home_address: 'text',
	home_community_id: 'uuid',
	created_at: 'timestamptz'
};
const STAY_COLUMNS = {
	id: 'uuid',
	resident_id: 'uuid',
	site_id: 'uuid',
	room_id: 'uuid',
	home_community_id: 'uuid',
	home_address: 'text',
	plan_id: 'uuid',
	plan_phases: 'jsonb',
	plan_counts_from: 'counts_from',
	category: 'resident_category',
	admitted_at: 'timestamptz',
	period_start: 'timestamptz',
	phase_index: 'smallint',
	release_due_at: 'timestamptz',
	status: 'stay_status',
	outcome_at: 'timestamptz',
	idempotency_key: 'text',
	created_at: 'timestamptz',
	updated_at: 'timestamptz'
};
const EVENT_COLUMNS = {
	stay_id: 'uuid',
	kind: 'stay_event_kind',
	occurred_at: 'timestamptz',
	site_id: 'uuid',
	data: 'jsonb',
	idempotency_key: 'text'
};

/**
 * Inserts rows (snake_case keys) in batches, each batch one JSON document read back with
 * `jsonb_to_recordset`: drizzle's multi-row insert spends seconds building statements of this size.
 * `fixed` gives further columns a value computed in SQL.
 */
async function insertJson(
	db: Db,
	table: string,
	columns: Record<string, string>,
	rows: Record<string, unknown>[],
	fixed: Record<string, SQL> = {}
): Promise<void> {
	const names = Object.keys(columns);
	const def = names.map((c) => `${c} ${columns[c]}`).join(', ');
	const target = [...names, ...Object.keys(fixed)].join(', ');
	const values = sql.join([sql.raw(names.join(', ')), ...Object.values(fixed)], sql`, `);
	for (let i = 0; i < rows.length; i += BATCH) {
		await db.execute(sql`
			insert into ${sql.raw(table)} (${sql.raw(target)})
			select ${values}
			from jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + BATCH))}::jsonb) as x(${sql.raw(def)})`);
	}
}

export async function seedSynthetic(db: Db, options: SyntheticOptions): Promise<SyntheticSummary> {
	const {
		residents: active,
		released = 0,
		seed = 1,
		days = 7,
		now = new Date(),
		timeZone = 'Asia/Shanghai'
	} = options;
	if (!Number.isInteger(active) || active < 1)
		throw new RangeError('--residents must be a positive whole number');
	if (!Number.isInteger(released) || released < 0)
		throw new RangeError('--released must be a whole number ≥ 0');
	const rng = createRng(seed);
	const prefix = `SYN${seed}`;

	const already = await db
		.select({ id: t.sites.id })
		.from(t.sites)
		.where(like(t.sites.code, `${prefix}-%`));
	if (already.length) throw new Error(`Synthetic data for seed ${seed} is already in this database`);

	const existing = await db.select({ code: t.plans.code }).from(t.plans);
	const missing = PLAN_PRESETS.filter((p) => !existing.some((e) => e.code === p.code));
	if (missing.length) {
		await db.insert(t.plans).values(
			missing.map((p) => ({
				code: p.code,
				name: p.name,
				nameEn: p.nameEn,
				protocolEdition: p.protocolEdition,
				countsFrom: p.countsFrom,
				phases: p.phases.map((ph) => ({ ...ph, testDays: [...ph.testDays] }))
			}))
		);
	}
	const plans = await db
		.select()
		.from(t.plans)
		.where(inArray(t.plans.code, ['ed9-7+3', 'ed9-home-7']));
	const centralPlan = plans.find((p) => p.code === 'ed9-7+3')!;
	const homePlan = plans.find((p) => p.code === 'ed9-home-7')!;

	// Sites and rooms.
	const centralActive = Math.round(active * 0.6);
	const homeActive = active - centralActive;
	const centralSites = Math.max(1, Math.ceil(centralActive / ROOMS_PER_SITE));
	const communityCount = Math.max(1, Math.round(homeActive / PER_COMMUNITY));
	const siteValues: (typeof t.sites.$inferInsert & { id: string })[] = [];
	for (let i = 0; i < centralSites; i++)
		siteValues.push({
			id: rng.uuid(),
			code: `${prefix}-C${String(i + 1).padStart(3, '0')}`,
			kind: 'centralised',
			name: `模拟集中隔离点 ${i + 1}`,
			nameEn: `Synthetic site ${i + 1}`,
			phone: '0391-0000000',
			timeZone
		});
	for (let i = 0; i < communityCount; i++)
		siteValues.push({
			id: rng.uuid(),
			code: `${prefix}-S${String(i + 1).padStart(3, '0')}`,
			kind: 'community',
			name: `模拟社区 ${i + 1}`,
			nameEn: `Synthetic community ${i + 1}`,
			phone: '0391-0000000',
			timeZone
		});
	await db.insert(t.sites).values(siteValues);
	const centrals = siteValues.filter((s) => s.kind === 'centralised');
	const communities = siteValues.filter((s) => s.kind === 'community');

	const rooms: { id: string; siteId: string }[] = [];
	const roomRows: Record<string, unknown>[] = [];
	for (const [si, site] of centrals.entries()) {
		for (let r = 0; r < ROOMS_PER_SITE; r++) {
			const floor = 2 + Math.floor(r / 25);
			const id = rng.uuid();
			rooms.push({ id, siteId: site.id });
			roomRows.push({
				id,
				site_id: site.id,
				floor,
				number: `${floor}${String((r % 25) + 1).padStart(2, '0')}`,
				walk_order: (r % 25) + 1,
				status: si * ROOMS_PER_SITE + r < centralActive ? 'occupied' : 'available'
			});
		}
	}
	await insertJson(db, 'rooms', ROOM_COLUMNS, roomRows, {
		building: sql`'A'`,
		created_at: sql`${now.toISOString()}::timestamptz - interval '120 days'`
	});

	// The home community of the i-th home stay: the first community takes a quarter, the rest share.
	const homeCommunity = (i: number, of: number) => {
		if (communities.length === 1) return communities[0]!;
		const first = Math.round(of / 4);
		if (i < first) return communities[0]!;
		return communities[1 + ((i - first) % (communities.length - 1))]!;
	};

	// People, stays and their events. Active stays first, then released ones, oldest release last.
	const releasedSpanMs = active > 0 ? Math.max(DAY, (released / (active / STAY_DAYS)) * DAY) : DAY;
	const taken = new Set((await db.select({ id: t.residents.idNumber }).from(t.residents)).map((r) => r.id));
	const residentRows: Record<string, unknown>[] = [];
	const stayRows: Record<string, unknown>[] = [];
	const eventRows: Record<string, unknown>[] = [];
	const centralReleased = Math.round(released * 0.6);
	for (let i = 0; i < active + released; i++) {
		const isActive = i < active;
		const k = isActive ? i : i - active;
		const central = isActive ? i < centralActive : k < centralReleased;
		const homeIndex = isActive ? i - centralActive : k - centralReleased;
		const community = central
			? communities[i % communities.length]!
			: homeCommunity(homeIndex, isActive ? homeActive : released - centralReleased);
		const person = fakePerson(rng, taken, now.getUTCFullYear());
		const residentId = rng.uuid();
		const stayId = rng.uuid();
		const endedAt = isActive ? null : new Date(now.getTime() - rng.next() * releasedSpanMs);
		const admittedAt = isActive
			? new Date(now.getTime() - rng.next() * (STAY_DAYS - 0.25) * DAY)
			: new Date(endedAt!.getTime() - STAY_DAYS * DAY);
		const plan = central ? centralPlan : homePlan;
		const start = periodStart(admittedAt, plan.countsFrom, null, timeZone);
		const sched = schedule(start, plan.phases);
		const room = central ? (isActive ? rooms[i]! : rooms[Math.floor(rng.next() * rooms.length)]!) : null;
		const siteId = central ? room!.siteId : community.id;
		residentRows.push({
			id: residentId,
			name: person.name,
			id_number: person.idNumber,
			id_last4: person.idNumber.slice(-4),
			sex: person.sex,
			birth_date: person.birthDate,
			phone: person.phone,
			phone_last4: person.phone.slice(-4),
			emergency_contact_name: person.emergencyContactName,
			emergency_contact_phone: person.emergencyContactPhone,
			home_address: person.homeAddress,
			home_community_id: community.id,
			created_at: admittedAt
		});
		stayRows.push({
			id: stayId,
			resident_id: residentId,
			site_id: siteId,
			room_id: room?.id ?? null,
			home_community_id: community.id,
			home_address: central ? null : person.homeAddress,
			plan_id: plan.id,
			plan_phases: plan.phases,
			plan_counts_from: plan.countsFrom,
			category: rng.chance(0.85) ? 'close_contact' : 'secondary_contact',
			admitted_at: admittedAt,
			period_start: start,
			phase_index: isActive ? position(sched, now).phaseIndex : 0,
			release_due_at: sched.releaseAt,
			status: isActive ? 'active' : 'released',
			outcome_at: endedAt,
			idempotency_key: `${prefix}-stay-${i}`,
			created_at: admittedAt,
			updated_at: endedAt ?? admittedAt
		});
		eventRows.push({
			stay_id: stayId,
			kind: 'admitted',
			occurred_at: admittedAt,
			site_id: siteId,
			data: { plan: plan.code, roomId: room?.id ?? null, releaseDueAt: sched.releaseAt.toISOString() },
			idempotency_key: `${prefix}-admitted-${i}`
		});
		if (endedAt)
			eventRows.push({
				stay_id: stayId,
				kind: 'released',
				occurred_at: endedAt,
				site_id: siteId,
				data: { overridden: false, roomId: room?.id ?? null, releaseDueAt: sched.releaseAt.toISOString() },
				idempotency_key: `${prefix}-released-${i}`
			});
	}
	await insertJson(db, 'residents', RESIDENT_COLUMNS, residentRows, {
		id_type: sql`'resident_id'`,
		updated_at: sql`created_at`
	});
	await insertJson(db, 'stays', STAY_COLUMNS, stayRows);
	await insertJson(db, 'stay_events', EVENT_COLUMNS, eventRows, { recorded_at: sql`occurred_at` });

	const counts = await generateActivity(db, { prefix, seed, days, now, timeZone });
	await db.execute(sql`analyze`);
	return {
		sites: siteValues.length,
		rooms: rooms.length,
		residents: residentRows.length,
		activeStays: active,
		releasedStays: released,
		...counts
	};
}

/**
 * Readings, alerts, calls, deliveries and cleaning audit rows for the synthetic stays of `prefix`, in
 * SQL. `u(x)` is a uniform number in [0, 1) drawn from md5 of the seed and x: the same key always draws
 * the same number, on any engine.
 */
async function generateActivity(
	db: Db,
	o: { prefix: string; seed: number; days: number; now: Date; timeZone: string }
) {
	const now = sql`${o.now.toISOString()}::timestamptz`;
	const tz = o.timeZone;
	const salt = `${o.seed}:`;
	const u = (key: SQL) =>
		sql`(('x' || substr(md5(${salt} || ${key}), 1, 8))::bit(32)::bigint / 4294967296.0)::float8`;
	const mine = sql`s.idempotency_key like ${`${o.prefix}-stay-%`}`;
	const firstDay = sql`((${now} at time zone ${tz})::date - ${o.days - 1}::int)`;

	// Two readings a day: 08:00–08:59 (morning slot) and 19:00–19:59 (evening), while the stay ran.
	// One stay in twenty runs a fever: four of its readings in ten are 37.3 °C or more.
	await db.execute(sql`
		insert into readings (id, stay_id, taken_at, slot, slot_date, source, temperature, spo2,
			idempotency_key, created_at)
		select md5(${salt} || x.k)::uuid, x.stay_id, x.at, x.slot::slot, x.d, x.source::reading_source,
			case when x.febrile and ${u(sql`x.k || ':f'`)} < 0.4
				then round((37.3 + ${u(sql`x.k || ':t'`)} * 2.1)::numeric, 1)
				else round((36.2 + ${u(sql`x.k || ':t'`)} * 0.9)::numeric, 1) end,
			case when ${u(sql`x.k || ':o'`)} < 0.5 then 95 + floor(${u(sql`x.k || ':s'`)} * 5)::int end,
			x.k, x.at
		from (
			select s.id as stay_id, d::date as d, h.slot,
				${o.prefix} || '-r-' || s.id::text || '-' || d::date || '-' || h.slot as k,
				((d::date + make_interval(hours => h.hour)) at time zone ${tz})
					+ floor(${u(sql`s.id::text || d::date || h.slot`)} * 60) * interval '1 minute' as at,
				case when si.kind = 'centralised' then 'staff_round' else 'self_report' end as source,
				${u(sql`s.id::text || ':febrile'`)} < 0.05 as febrile,
				s.admitted_at, coalesce(s.outcome_at, ${now}) as ended
			from stays s
			join sites si on si.id = s.site_id
			cross join lateral generate_series(
				greatest((s.admitted_at at time zone ${tz})::date, ${firstDay}),
				(least(coalesce(s.outcome_at, ${now}), ${now}) at time zone ${tz})::date,
				interval '1 day') d
			cross join (values (8, 'morning'), (19, 'evening')) h(hour, slot)
			where ${mine}
		) x
		where x.at > x.admitted_at and x.at <= x.ended and x.at <= ${now}`);

	// The fever alert each febrile stay implies: active while its last fever is under a day old
	// (open or acknowledged), resolved as rechecked normal otherwise or once the stay ended.
	await db.execute(sql`
		insert into alerts (id, stay_id, kind, severity, status, trigger_count, first_triggered_at, opened_at,
			last_triggered_at, last_value, reading_id, acknowledged_at, resolved_at, outcome, created_at)
		select md5(${salt} || 'alert:' || f.stay_id::text)::uuid, f.stay_id, 'fever',
			(case when f.max_t >= 39.0 then 'critical' else 'warning' end)::severity,
			f.status::alert_status, f.n, f.first_at, f.first_at, f.last_at,
			jsonb_build_object('temperature', f.max_t), f.reading_id,
			case when f.status <> 'open' then f.first_at + interval '20 minutes' end,
			case when f.status = 'resolved' then least(f.last_at + interval '6 hours', ${now}) end,
			case when f.status = 'resolved' then 'rechecked_normal'::alert_outcome end,
			f.first_at
		from (
			select r.stay_id, count(*)::int as n, min(r.taken_at) as first_at, max(r.taken_at) as last_at,
				max(r.temperature) as max_t,
				(array_agg(r.id order by r.taken_at desc))[1] as reading_id,
				case when bool_or(s.status <> 'active') or max(r.taken_at) < ${now} - interval '1 day'
					then 'resolved'
					when ${u(sql`r.stay_id::text || ':ack'`)} < 0.5 then 'acknowledged'
					else 'open' end as status
			from readings r
			join stays s on s.id = r.stay_id
			where ${mine} and r.temperature >= 37.3
			group by r.stay_id
		) f`);

	// Missed readings of the past: one stay-day in ten had its morning reading late, which raised a
	// missed_reading alert at 11:00 that the late reading resolved.
	await db.execute(sql`
		insert into alerts (id, stay_id, kind, severity, status, first_triggered_at, opened_at, last_triggered_at,
			last_value, resolved_at, outcome, created_at)
		select md5(${salt} || x.k)::uuid, x.stay_id, 'missed_reading', 'warning', 'resolved', x.at, x.at, x.at,
			jsonb_build_object('slot', 'morning', 'slotDate', x.d), x.at + interval '40 minutes', 'late_reading', x.at
		from (
			select s.id as stay_id, d::date as d, ${o.prefix} || '-m-' || s.id::text || '-' || d::date as k,
				(d::date + interval '11 hours') at time zone ${tz} as at,
				s.admitted_at, coalesce(s.outcome_at, ${now}) as ended
			from stays s
			cross join lateral generate_series(
				greatest((s.admitted_at at time zone ${tz})::date, ${firstDay}),
				(least(coalesce(s.outcome_at, ${now}), ${now}) at time zone ${tz})::date,
				interval '1 day') d
			where ${mine} and ${u(sql`s.id::text || ':m' || d::date`)} < 0.1
		) x
		where x.at > x.admitted_at and x.at + interval '40 minutes' <= least(x.ended, ${now})`);

	// One follow-up call a day (09:00–09:59, the morning slot) for each home isolator: mostly reached.
	await db.execute(sql`
		insert into calls (id, stay_id, attempted_at, slot, slot_date, outcome, idempotency_key, created_at)
		select md5(${salt} || x.k)::uuid, x.stay_id, x.at, 'morning', x.d,
			(case when ${u(sql`x.k || ':o'`)} < 0.85 then 'reached'
				when ${u(sql`x.k || ':o'`)} < 0.95 then 'no_answer' else 'busy' end)::call_outcome,
			x.k, x.at
		from (
			select s.id as stay_id, d::date as d, ${o.prefix} || '-c-' || s.id::text || '-' || d::date as k,
				((d::date + interval '9 hours') at time zone ${tz})
					+ floor(${u(sql`s.id::text || ':c' || d::date`)} * 60) * interval '1 minute' as at,
				s.admitted_at, coalesce(s.outcome_at, ${now}) as ended
			from stays s
			join sites si on si.id = s.site_id and si.kind = 'community'
			cross join lateral generate_series(
				greatest((s.admitted_at at time zone ${tz})::date, ${firstDay}),
				(least(coalesce(s.outcome_at, ${now}), ${now}) at time zone ${tz})::date,
				interval '1 day') d
			where ${mine}
		) x
		where x.at > x.admitted_at and x.at <= x.ended and x.at <= ${now}`);

	// A delivery for one stay in three, requested on its second day; ended stays received theirs.
	await db.execute(sql`
		insert into deliveries (id, stay_id, kind, items, status, requested_at, approved_at, packed_at,
			out_for_delivery_at, delivered_at, received_at, idempotency_key, created_at)
		select md5(${salt} || x.k)::uuid, x.stay_id, x.kind::delivery_kind, x.items, x.status::delivery_status,
			x.at,
			case when x.step >= 1 then x.at + interval '30 minutes' end,
			case when x.step >= 2 then x.at + interval '2 hours' end,
			case when x.step >= 3 then x.at + interval '3 hours' end,
			case when x.step >= 4 then x.at + interval '5 hours' end,
			case when x.step >= 5 then x.at + interval '6 hours' end,
			x.k, x.at
		from (
			select s.id as stay_id, ${o.prefix} || '-d-' || s.id::text as k, s.admitted_at + interval '1 day' as at,
				case when ${u(sql`s.id::text || ':dk'`)} < 0.6 then 'medicine' else 'supply' end as kind,
				case when ${u(sql`s.id::text || ':dk'`)} < 0.6
					then '[{"name":"连花清瘟胶囊","quantity":1}]'::jsonb
					else '[{"name":"生活物资包","quantity":1}]'::jsonb end as items,
				y.step,
				(array['requested', 'approved', 'packed', 'out_for_delivery', 'delivered', 'received'])[y.step + 1]
					as status
			from stays s
			cross join lateral (
				select case when s.status <> 'active' then 5
					else least(5, floor(extract(epoch from (${now} - s.admitted_at - interval '1 day')) / 3600))::int
					end as step
			) y
			where ${mine} and ${u(sql`s.id::text || ':d'`)} < 1.0 / 3
				and s.admitted_at + interval '1 day' < coalesce(s.outcome_at, ${now})
				and s.admitted_at > ${now} - make_interval(days => ${o.days}::int)
		) x`);

	// Each room a released resident left was cleaned two hours later, as the room board records it.
	await db.execute(sql`
		insert into audit_log (at, actor_role, action, entity, entity_id, after)
		select s.outcome_at + interval '2 hours', 'site_staff', 'mark_clean', 'room', s.room_id::text,
			'{"status":"available"}'::jsonb
		from stays s
		where ${mine} and s.status <> 'active' and s.room_id is not null
			and s.outcome_at + interval '2 hours' <= ${now}`);

	const count = async (table: string) => {
		const res = await db.execute(sql`
			select count(*)::int as n from ${sql.raw(table)} x join stays s on s.id = x.stay_id where ${mine}`);
		const rows = (Array.isArray(res) ? res : (res as { rows: { n: number }[] }).rows) as { n: number }[];
		return Number(rows[0]!.n);
	};
	return {
		readings: await count('readings'),
		alerts: await count('alerts'),
		calls: await count('calls'),
		deliveries: await count('deliveries')
	};
}
