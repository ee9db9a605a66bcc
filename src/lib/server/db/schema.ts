/**
 * The database schema. Conventions (see DESIGN §6):
 * - camelCase in TypeScript, snake_case in SQL, `timestamptz` for every instant (stored in UTC).
 * - Every row a client can create carries `idempotency_key`, unique in the database, so a retried or
 *   double-submitted create is recorded once; the key is inserted in the same transaction as the row.
 * - Every row with mutable state carries `version` for optimistic locking.
 * - Append-only tables (stay_events, audit_log) are protected by triggers in a custom migration, as are
 *   the room-capacity rule and reading ranges where a plain constraint is not enough.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
	type AnyPgColumn,
	bigserial,
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	numeric,
	pgEnum,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import type { PlanPhase } from '../../domain/plan';
import type { DeliveryItem } from '../../schemas/delivery';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => instant('created_at').notNull().defaultNow();
const version = () => integer('version').notNull().default(1);

export const roleEnum = pgEnum('role', ['admin', 'site_staff', 'clinician', 'resident']);
export const siteKindEnum = pgEnum('site_kind', ['centralised', 'community']);
export const roomStatusEnum = pgEnum('room_status', [
	'available',
	'occupied',
	'needs_disinfection',
	'out_of_service'
]);
export const idTypeEnum = pgEnum('id_type', ['resident_id', 'passport', 'other']);
export const sexEnum = pgEnum('sex', ['male', 'female', 'unknown']);
export const phaseModeEnum = pgEnum('phase_mode', ['centralised', 'home_isolation', 'home_monitoring']);
export const countsFromEnum = pgEnum('counts_from', ['admission', 'exposure']);
export const categoryEnum = pgEnum('resident_category', [
	'close_contact',
	'secondary_contact',
	'inbound',
	'high_risk_area',
	'other'
]);
export const stayStatusEnum = pgEnum('stay_status', [
	'active',
	'released',
	'transferred_hospital',
	'absconded',
	'died',
	'moved_away'
]);
export const stayEventKindEnum = pgEnum('stay_event_kind', [
	'admitted',
	'phase_changed',
	'handed_over',
	'room_transferred',
	'site_transferred',
	'extended',
	'test_scheduled',
	'test_result',
	'released',
	'outcome'
]);
export const readingSourceEnum = pgEnum('reading_source', ['staff_round', 'phone', 'self_report', 'device']);
export const slotEnum = pgEnum('slot', ['morning', 'evening', 'extra']);
export const alertKindEnum = pgEnum('alert_kind', [
	'fever',
	'hypoxia',
	'news2',
	'red_vital',
	'symptom',
	'missed_reading',
	'unreachable',
	'positive_test',
	'delivery_overdue'
]);
export const severityEnum = pgEnum('severity', ['warning', 'critical']);
export const alertStatusEnum = pgEnum('alert_status', ['open', 'acknowledged', 'resolved']);
export const alertOutcomeEnum = pgEnum('alert_outcome', [
	'rechecked_normal',
	'treated_on_site',
	'transferred_hospital',
	'false_reading',
	'late_reading',
	/** The late medicine reached the resident (the system's own, like `late_reading`). */
	'delivered'
]);
export const callOutcomeEnum = pgEnum('call_outcome', [
	'reached',
	'no_answer',
	'busy',
	'wrong_number',
	'refused'
]);
export const deliveryKindEnum = pgEnum('delivery_kind', ['medicine', 'tcm', 'supply']);
export const deliveryStatusEnum = pgEnum('delivery_status', [
	'requested',
	'approved',
	'packed',
	'out_for_delivery',
	'delivered',
	'received',
	'cancelled'
]);
export const testKindEnum = pgEnum('test_kind', ['nat', 'antigen']);
export const accessCodeStatusEnum = pgEnum('access_code_status', ['active', 'read_only', 'void']);
export const testResultEnum = pgEnum('test_result', ['negative', 'positive', 'invalid']);

/** Small key/value facts about this database (e.g. that the demo seed ran). */
export const appMeta = pgTable('app_meta', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	updatedAt: instant('updated_at').notNull().defaultNow()
});

/**
 * Dashboard figures as of an instant well past, kept once counted (see dashboard/settled.ts): they rest on
 * append-only events, so they never change. `key` is a digest of what was counted, for whom and as of when.
 */
export const settledFigures = pgTable('settled_figures', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	asOf: instant('as_of').notNull(),
	createdAt: instant('created_at').notNull().defaultNow()
});

export const sites = pgTable(
	'sites',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		code: text('code').notNull(),
		kind: siteKindEnum('kind').notNull(),
		name: text('name').notNull(),
		nameEn: text('name_en'),
		district: text('district'),
		address: text('address'),
		phone: text('phone'),
		timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
		/** Per-site rule settings (alert thresholds, self-report allowed, ...); defaults live in the domain. */
		settings: jsonb('settings').notNull().default({}),
		active: boolean('active').notNull().default(true),
		version: version(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('sites_code_key').on(t.code)]
);

export const rooms = pgTable(
	'rooms',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		siteId: uuid('site_id')
			.notNull()
			.references(() => sites.id),
		building: text('building').notNull().default(''),
		floor: smallint('floor').notNull(),
		number: text('number').notNull(),
		capacity: smallint('capacity').notNull().default(1),
		/**
		 * Active stays in the room, kept by a trigger on stays. The CHECK below is what makes the database
		 * itself refuse a stay beyond capacity: concurrent admissions update this one row, so they queue and
		 * the second one fails the check instead of both counting a free bed.
		 */
		occupants: smallint('occupants').notNull().default(0),
		status: roomStatusEnum('status').notNull().default('available'),
		/** Walking order within a floor (the order staff pass the doors on a round). */
		walkOrder: integer('walk_order').notNull().default(0),
		cleanedAt: instant('cleaned_at'),
		cleanedBy: uuid('cleaned_by').references((): AnyPgColumn => users.id),
		version: version(),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('rooms_site_building_number_key').on(t.siteId, t.building, t.number),
		index('rooms_site_floor_idx').on(t.siteId, t.building, t.floor, t.walkOrder),
		check('rooms_capacity_check', sql`${t.capacity} between 1 and 20`),
		check('rooms_occupants_check', sql`${t.occupants} between 0 and ${t.capacity}`)
	]
);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Staff sign in with a username; resident accounts have none (they use phone + access code). */
		username: text('username'),
		displayName: text('display_name').notNull(),
		role: roleEnum('role').notNull(),
		passwordHash: text('password_hash'),
		mustChangePassword: boolean('must_change_password').notNull().default(false),
		passwordChangedAt: instant('password_changed_at'),
		lastLoginAt: instant('last_login_at'),
		/**
		 * The TOTP key (20 random bytes, hex) once the user has enrolled a second factor; null otherwise.
		 * It is a shared secret the server must read back, so it cannot be hashed like a password.
		 */
		totpKey: text('totp_key'),
		totpEnabledAt: instant('totp_enabled_at'),
		/** The admin form's key: a double-submitted "create user" creates one user. */
		idempotencyKey: text('idempotency_key'),
		residentId: uuid('resident_id').references((): AnyPgColumn => residents.id),
		active: boolean('active').notNull().default(true),
		version: version(),
		createdAt: createdAt(),
		updatedAt: instant('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
		uniqueIndex('users_idempotency_key').on(t.idempotencyKey),
		// One sign-in account per resident.
		uniqueIndex('users_resident_key').on(t.residentId),
		check(
			'users_login_check',
			sql`(${t.role} = 'resident' and ${t.residentId} is not null) or (${t.role} <> 'resident' and ${t.username} is not null)`
		)
	]
);

/** Which sites (centralised) or communities a staff member or clinician works for. */
export const userSites = pgTable(
	'user_sites',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		siteId: uuid('site_id')
			.notNull()
			.references(() => sites.id),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.userId, t.siteId] }), index('user_sites_site_idx').on(t.siteId)]
);

export const sessions = pgTable(
	'sessions',
	{
		/** SHA-256 of the session token, hex: the token itself is never stored. */
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
		expiresAt: instant('expires_at').notNull(),
		ip: text('ip'),
		userAgent: text('user_agent'),
		/** Residents' sessions hang on the access code they signed in with: voiding the code ends them. */
		accessCodeId: uuid('access_code_id').references((): AnyPgColumn => accessCodes.id, {
			onDelete: 'cascade'
		}),
		/** Set when the user passed their second factor in this session (always false for residents). */
		twoFactorVerified: boolean('two_factor_verified').notNull().default(false)
	},
	(t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)]
);

/**
 * One-time recovery codes for a user's second factor. Only the SHA-256 of each is stored: a code has 80
 * random bits, so there is nothing to guess and a slow hash adds nothing.
 */
export const recoveryCodes = pgTable(
	'recovery_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		usedAt: instant('used_at'),
		createdAt: createdAt()
	},
	(t) => [
		index('recovery_codes_user_idx').on(t.userId),
		uniqueIndex('recovery_codes_hash_key').on(t.codeHash)
	]
);

export const plans = pgTable(
	'plans',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		code: text('code').notNull(),
		name: text('name').notNull(),
		nameEn: text('name_en').notNull(),
		protocolEdition: text('protocol_edition').notNull(),
		countsFrom: countsFromEnum('counts_from').notNull().default('admission'),
		phases: jsonb('phases').$type<PlanPhase[]>().notNull(),
		active: boolean('active').notNull().default(true),
		version: version(),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('plans_code_key').on(t.code)]
);

export const residents = pgTable(
	'residents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		idType: idTypeEnum('id_type').notNull(),
		idNumber: text('id_number').notNull(),
		/** Last four characters of the ID number, for search without scanning the full number. */
		idLast4: text('id_last4').notNull(),
		sex: sexEnum('sex').notNull().default('unknown'),
		birthDate: date('birth_date', { mode: 'string' }),
		phone: text('phone').notNull(),
		phoneLast4: text('phone_last4').notNull(),
		emergencyContactName: text('emergency_contact_name'),
		emergencyContactPhone: text('emergency_contact_phone'),
		homeAddress: text('home_address').notNull(),
		homeCommunityId: uuid('home_community_id')
			.notNull()
			.references(() => sites.id),
		pregnant: boolean('pregnant').notNull().default(false),
		chronicDisease: boolean('chronic_disease').notNull().default(false),
		immunosuppressed: boolean('immunosuppressed').notNull().default(false),
		allergies: text('allergies'),
		regularMedicines: text('regular_medicines'),
		/** NEWS2 SpO2 scale: 2 only when a clinician sets it (hypercapnic respiratory failure). */
		spo2Scale: smallint('spo2_scale').notNull().default(1),
		hasOximeter: boolean('has_oximeter').notNull().default(false),
		/**
		 * Set when a follow-up call reached a wrong number: the contact details need correcting. Cleared
		 * when staff correct the phone.
		 */
		phoneFlaggedAt: instant('phone_flagged_at'),
		/** Set when retention anonymises the record. */
		anonymisedAt: instant('anonymised_at'),
		version: version(),
		createdAt: createdAt(),
		updatedAt: instant('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('residents_id_number_key').on(t.idType, t.idNumber),
		index('residents_id_last4_idx').on(t.idLast4),
		index('residents_phone_last4_idx').on(t.phoneLast4),
		index('residents_phone_idx').on(t.phone),
		check('residents_spo2_scale_check', sql`${t.spo2Scale} in (1, 2)`),
		// An anonymised record keeps no phone at all.
		check(
			'residents_phone_check',
			sql`${t.phone} ~ '^1[3-9][0-9]{9}$' or (${t.anonymisedAt} is not null and ${t.phone} = '')`
		)
	]
);

export const stays = pgTable(
	'stays',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		residentId: uuid('resident_id')
			.notNull()
			.references(() => residents.id),
		/** The site or community managing the stay now; changes at handover and transfer. */
		siteId: uuid('site_id')
			.notNull()
			.references(() => sites.id),
		roomId: uuid('room_id').references(() => rooms.id),
		/** The community that takes the resident over after a centralised phase. */
		homeCommunityId: uuid('home_community_id')
			.notNull()
			.references(() => sites.id),
		/** Address while isolating at home. */
		homeAddress: text('home_address'),
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id),
		/** The plan's phases as they were at admission: editing a plan never changes an existing stay. */
		planPhases: jsonb('plan_phases').$type<PlanPhase[]>().notNull(),
		planCountsFrom: countsFromEnum('plan_counts_from').notNull(),
		category: categoryEnum('category').notNull(),
		exposureDate: date('exposure_date', { mode: 'string' }),
		sourceCaseRef: text('source_case_ref'),
		admittedAt: instant('admitted_at').notNull(),
		/** Start of day 1: the admission instant, or 00:00 of the exposure date in the site's zone. */
		periodStart: instant('period_start').notNull(),
		/** Extensions: hours added to a phase, in order; see domain/plan. */
		extensions: jsonb('extensions')
			.$type<{ phaseIndex: number; hours: number; reason: string; at: string }[]>()
			.notNull()
			.default([]),
		phaseIndex: smallint('phase_index').notNull().default(0),
		/** The mode of the current phase, kept by PostgreSQL (the dashboard counts on it from an index). */
		phaseMode: text('phase_mode').generatedAlwaysAs(
			(): SQL => sql`(${stays.planPhases} -> ${stays.phaseIndex}) ->> 'mode'`
		),
		/** Denormalised from the plan (kept by the use cases) so lists can filter and sort on it. */
		releaseDueAt: instant('release_due_at').notNull(),
		status: stayStatusEnum('status').notNull().default('active'),
		outcomeAt: instant('outcome_at'),
		outcomeBy: uuid('outcome_by').references(() => users.id),
		outcomeReason: text('outcome_reason'),
		outcomeDetail: jsonb('outcome_detail'),
		admittedBy: uuid('admitted_by').references(() => users.id),
		idempotencyKey: text('idempotency_key').notNull(),
		version: version(),
		createdAt: createdAt(),
		updatedAt: instant('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('stays_idempotency_key').on(t.idempotencyKey),
		// A resident never has two active stays.
		uniqueIndex('stays_one_active_per_resident')
			.on(t.residentId)
			.where(sql`${t.status} = 'active'`),
		index('stays_site_status_idx').on(t.siteId, t.status),
		index('stays_room_active_idx')
			.on(t.roomId)
			.where(sql`${t.status} = 'active'`),
		index('stays_release_due_idx')
			.on(t.releaseDueAt)
			.where(sql`${t.status} = 'active'`),
		index('stays_resident_idx').on(t.residentId),
		// The active stays of some sites: the dashboard counts them by phase mode and release date from
		// this index alone.
		index('stays_active_figures_idx')
			.on(t.siteId, t.phaseMode, t.releaseDueAt)
			.where(sql`${t.status} = 'active'`),
		index('stays_outcome_at_idx').on(t.outcomeAt),
		index('stays_updated_at_idx').on(t.updatedAt),
		check('stays_outcome_check', sql`(${t.status} = 'active') = (${t.outcomeAt} is null)`),
		check('stays_phase_index_check', sql`${t.phaseIndex} >= 0`)
	]
);

/** Append-only, dated history of a stay (a trigger refuses UPDATE and DELETE). */
export const stayEvents = pgTable(
	'stay_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		kind: stayEventKindEnum('kind').notNull(),
		/** When it happened (may be earlier than recorded, e.g. a handover confirmed late). */
		occurredAt: instant('occurred_at').notNull(),
		recordedAt: instant('recorded_at').notNull().defaultNow(),
		actorId: uuid('actor_id').references(() => users.id),
		siteId: uuid('site_id')
			.notNull()
			.references(() => sites.id),
		data: jsonb('data').notNull().default({}),
		idempotencyKey: text('idempotency_key')
	},
	(t) => [
		index('stay_events_stay_idx').on(t.stayId, t.occurredAt),
		index('stay_events_kind_time_idx').on(t.kind, t.occurredAt),
		// When an event became known (the dashboard's today and its settled history split on it).
		index('stay_events_kind_known_idx').on(t.kind, sql`greatest(${t.occurredAt}, ${t.recordedAt})`),
		uniqueIndex('stay_events_idempotency_key').on(t.idempotencyKey)
	]
);

export const readings = pgTable(
	'readings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		takenAt: instant('taken_at').notNull(),
		slot: slotEnum('slot').notNull(),
		/** The local calendar date (site zone) the slot belongs to. */
		slotDate: date('slot_date', { mode: 'string' }).notNull(),
		source: readingSourceEnum('source').notNull(),
		recordedBy: uuid('recorded_by').references(() => users.id),
		temperature: numeric('temperature', { precision: 3, scale: 1, mode: 'number' }),
		spo2: smallint('spo2'),
		spo2Scale: smallint('spo2_scale').notNull().default(1),
		onOxygen: boolean('on_oxygen').notNull().default(false),
		pulse: smallint('pulse'),
		respRate: smallint('resp_rate'),
		systolicBp: smallint('systolic_bp'),
		diastolicBp: smallint('diastolic_bp'),
		consciousness: text('consciousness'),
		symptoms: text('symptoms')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		news2Total: smallint('news2_total'),
		news2Risk: text('news2_risk'),
		note: text('note'),
		idempotencyKey: text('idempotency_key').notNull(),
		/** Hash of the request that created it, so a replayed key with another body can be refused. */
		requestHash: text('request_hash'),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('readings_idempotency_key').on(t.idempotencyKey),
		index('readings_stay_taken_idx').on(t.stayId, t.takenAt),
		// The symptoms named in the day before a reading (the new-symptom rule) read only readings with some.
		index('readings_stay_symptoms_idx')
			.on(t.stayId, t.takenAt)
			.where(sql`cardinality(${t.symptoms}) > 0`),
		index('readings_stay_slot_idx').on(t.stayId, t.slotDate, t.slot),
		check('readings_temperature_range', sql`${t.temperature} between 30.0 and 45.0`),
		check('readings_spo2_range', sql`${t.spo2} between 40 and 100`),
		check('readings_pulse_range', sql`${t.pulse} between 20 and 250`),
		check('readings_resp_rate_range', sql`${t.respRate} between 4 and 80`),
		check('readings_systolic_range', sql`${t.systolicBp} between 40 and 300`),
		check('readings_diastolic_range', sql`${t.diastolicBp} between 20 and 200`),
		check('readings_spo2_scale_check', sql`${t.spo2Scale} in (1, 2)`),
		check('readings_consciousness_check', sql`${t.consciousness} in ('A', 'C', 'V', 'P', 'U')`),
		check(
			'readings_symptoms_check',
			sql`${t.symptoms} <@ array['fever','dry_cough','fatigue','sore_throat','smell_taste_loss','diarrhoea','shortness_of_breath','muscle_ache','runny_nose']::text[]`
		),
		check(
			'readings_has_value_check',
			sql`num_nonnulls(${t.temperature}, ${t.spo2}, ${t.pulse}, ${t.respRate}, ${t.systolicBp}, ${t.diastolicBp}, ${t.consciousness}) > 0 or cardinality(${t.symptoms}) > 0`
		)
	]
);

export const alerts = pgTable(
	'alerts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		kind: alertKindEnum('kind').notNull(),
		/** The highest severity seen while the alert is active. */
		severity: severityEnum('severity').notNull(),
		status: alertStatusEnum('status').notNull().default('open'),
		triggerCount: integer('trigger_count').notNull().default(1),
		firstTriggeredAt: instant('first_triggered_at').notNull(),
		/** When it last became open (raised, or reopened by a rise): the escalation clock starts here. */
		openedAt: instant('opened_at').notNull().defaultNow(),
		lastTriggeredAt: instant('last_triggered_at').notNull(),
		lastValue: jsonb('last_value').notNull().default({}),
		readingId: uuid('reading_id').references(() => readings.id),
		acknowledgedAt: instant('acknowledged_at'),
		acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
		acknowledgeNote: text('acknowledge_note'),
		escalatedAt: instant('escalated_at'),
		resolvedAt: instant('resolved_at'),
		resolvedBy: uuid('resolved_by').references(() => users.id),
		outcome: alertOutcomeEnum('outcome'),
		resolveNote: text('resolve_note'),
		version: version(),
		createdAt: createdAt()
	},
	(t) => [
		// One active (open or acknowledged) alert per stay and kind: new triggers update it.
		uniqueIndex('alerts_one_active_per_kind')
			.on(t.stayId, t.kind)
			.where(sql`${t.status} in ('open', 'acknowledged')`),
		index('alerts_active_idx')
			.on(t.status, t.severity, t.firstTriggeredAt)
			.where(sql`${t.status} in ('open', 'acknowledged')`),
		index('alerts_stay_idx').on(t.stayId, t.createdAt),
		// Alerts raised in a period (the dashboard's chart) and active at an instant (the daily report).
		index('alerts_first_triggered_idx').on(t.firstTriggeredAt),
		index('alerts_resolved_at_idx').on(t.resolvedAt),
		check(
			'alerts_resolved_check',
			sql`(${t.status} = 'resolved') = (${t.resolvedAt} is not null and ${t.outcome} is not null)`
		)
	]
);

export const calls = pgTable(
	'calls',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		clinicianId: uuid('clinician_id').references(() => users.id),
		attemptedAt: instant('attempted_at').notNull(),
		slot: slotEnum('slot').notNull(),
		slotDate: date('slot_date', { mode: 'string' }).notNull(),
		outcome: callOutcomeEnum('outcome').notNull(),
		readingId: uuid('reading_id').references(() => readings.id),
		/** Needs noted on the call (medicine, supplies, psychological support), turned into requests later. */
		needs: jsonb('needs').notNull().default({}),
		note: text('note'),
		idempotencyKey: text('idempotency_key').notNull(),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('calls_idempotency_key').on(t.idempotencyKey),
		// A stay's calls by time, carrying what the call list sums up of them (outcome, slot, entry order), so
		// that the list reads two days of calls for each of a community's stays from the index alone.
		index('calls_stay_time_idx').on(t.stayId, t.attemptedAt, t.createdAt, t.outcome, t.slot, t.slotDate),
		// A slot's calls, with what the dashboard's unreached count asks of them, read from the index alone.
		index('calls_slot_idx').on(t.slotDate, t.slot, t.outcome, t.stayId, t.attemptedAt),
		// A clinician's own calls of a day (the call list's "my day").
		index('calls_clinician_time_idx').on(t.clinicianId, t.attemptedAt)
	]
);

export const deliveries = pgTable(
	'deliveries',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		kind: deliveryKindEnum('kind').notNull(),
		/** The lines of the request: name and, for medicine, strength, dose, frequency, days (see schemas/delivery). */
		items: jsonb('items').$type<DeliveryItem[]>().notNull().default([]),
		note: text('note'),
		/** Who asked: staff prescribing, the resident from their page, or a need noted on a call. */
		source: text('source').notNull().default('staff'),
		/** The allergy matches the prescriber saw and confirmed, when there were any. */
		allergyConfirmed:
			jsonb('allergy_confirmed').$type<{ allergy: string; medicine: string; how: string }[]>(),
		/** When the scheduler raised `delivery_overdue` for it (once per delivery). */
		overdueAt: instant('overdue_at'),
		status: deliveryStatusEnum('status').notNull().default('requested'),
		requestedAt: instant('requested_at').notNull(),
		requestedBy: uuid('requested_by').references(() => users.id),
		approvedAt: instant('approved_at'),
		approvedBy: uuid('approved_by').references(() => users.id),
		packedAt: instant('packed_at'),
		packedBy: uuid('packed_by').references(() => users.id),
		outForDeliveryAt: instant('out_for_delivery_at'),
		outForDeliveryBy: uuid('out_for_delivery_by').references(() => users.id),
		deliveredAt: instant('delivered_at'),
		deliveredBy: uuid('delivered_by').references(() => users.id),
		receivedAt: instant('received_at'),
		receivedBy: uuid('received_by').references(() => users.id),
		cancelledAt: instant('cancelled_at'),
		cancelledBy: uuid('cancelled_by').references(() => users.id),
		cancelReason: text('cancel_reason'),
		callId: uuid('call_id').references(() => calls.id),
		idempotencyKey: text('idempotency_key').notNull(),
		version: version(),
		createdAt: createdAt(),
		updatedAt: instant('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('deliveries_idempotency_key').on(t.idempotencyKey),
		// A need noted on a call becomes one request of each kind, however often the button is pressed.
		uniqueIndex('deliveries_call_kind_key')
			.on(t.callId, t.kind)
			.where(sql`${t.callId} is not null`),
		check('deliveries_source_check', sql`${t.source} in ('staff', 'resident', 'call')`),
		index('deliveries_stay_idx').on(t.stayId),
		index('deliveries_open_idx')
			.on(t.status, t.approvedAt)
			.where(sql`${t.status} not in ('received', 'cancelled')`),
		check(
			'deliveries_cancel_check',
			sql`(${t.status} = 'cancelled') = (${t.cancelledAt} is not null and ${t.cancelReason} is not null)`
		)
	]
);

/**
 * Every step of a delivery, who took it and when: append-only (a trigger refuses UPDATE and DELETE). The
 * step's idempotency key makes a replayed request (a double tap, a retried post) record once.
 */
export const deliveryEvents = pgTable(
	'delivery_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		deliveryId: uuid('delivery_id')
			.notNull()
			.references(() => deliveries.id),
		/** `request` for the creation, else the step (approve, pack, dispatch, deliver, receive, cancel). */
		step: text('step').notNull(),
		fromStatus: deliveryStatusEnum('from_status'),
		toStatus: deliveryStatusEnum('to_status').notNull(),
		at: instant('at').notNull(),
		actorId: uuid('actor_id').references(() => users.id),
		actorRole: roleEnum('actor_role'),
		reason: text('reason'),
		idempotencyKey: text('idempotency_key')
	},
	(t) => [
		index('delivery_events_delivery_idx').on(t.deliveryId, t.at),
		uniqueIndex('delivery_events_idempotency_key').on(t.idempotencyKey)
	]
);

export const tests = pgTable(
	'tests',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		kind: testKindEnum('kind').notNull().default('nat'),
		phaseIndex: smallint('phase_index').notNull(),
		/** Day of the phase the plan schedules the test on (1-based); null for an unscheduled test. */
		phaseDay: smallint('phase_day'),
		dueFrom: instant('due_from').notNull(),
		dueUntil: instant('due_until').notNull(),
		sampledAt: instant('sampled_at'),
		sampledBy: uuid('sampled_by').references(() => users.id),
		result: testResultEnum('result'),
		ctN: numeric('ct_n', { precision: 4, scale: 1, mode: 'number' }),
		ctOrf: numeric('ct_orf', { precision: 4, scale: 1, mode: 'number' }),
		resultAt: instant('result_at'),
		resultBy: uuid('result_by').references(() => users.id),
		idempotencyKey: text('idempotency_key').notNull(),
		version: version(),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('tests_idempotency_key').on(t.idempotencyKey),
		index('tests_stay_idx').on(t.stayId, t.dueFrom),
		index('tests_due_idx')
			.on(t.dueFrom)
			.where(sql`${t.result} is null`),
		check('tests_result_needs_sample', sql`${t.result} is null or ${t.sampledAt} is not null`),
		check(
			'tests_ct_range',
			sql`coalesce(${t.ctN}, 0) between 0 and 50 and coalesce(${t.ctOrf}, 0) between 0 and 50`
		)
	]
);

/**
 * A resident's sign-in code for one stay. Only an argon2 hash is kept (the code is shown once, on the
 * admission slip). A reissue voids the previous code; release turns it read-only until it expires.
 */
export const accessCodes = pgTable(
	'access_codes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		stayId: uuid('stay_id')
			.notNull()
			.references(() => stays.id),
		codeHash: text('code_hash').notNull(),
		status: accessCodeStatusEnum('status').notNull().default('active'),
		issuedAt: instant('issued_at').notNull().defaultNow(),
		issuedBy: uuid('issued_by').references(() => users.id),
		readOnlyAt: instant('read_only_at'),
		voidedAt: instant('voided_at'),
		/** Set when the code turns read-only: 30 days after release it no longer signs in. */
		expiresAt: instant('expires_at'),
		version: version()
	},
	(t) => [
		// At most one usable (active or read-only) code per stay.
		uniqueIndex('access_codes_one_usable_per_stay')
			.on(t.stayId)
			.where(sql`${t.status} <> 'void'`)
	]
);

/**
 * A bearer token for a device or call robot, created by an admin and shown once. Only the SHA-256 of the
 * token is kept: the token carries 160 random bits, so a fast hash is enough (there is nothing to guess)
 * and a leaked table gives nobody a working token. A revoked token stays listed for the audit trail.
 */
export const deviceTokens = pgTable(
	'device_tokens',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		/** SHA-256 of the token, hex. */
		tokenHash: text('token_hash').notNull(),
		/** The token's first characters, so an admin can tell which one a device holds. */
		tokenPrefix: text('token_prefix').notNull(),
		createdAt: createdAt(),
		createdBy: uuid('created_by').references(() => users.id),
		lastUsedAt: instant('last_used_at'),
		revokedAt: instant('revoked_at'),
		revokedBy: uuid('revoked_by').references(() => users.id),
		/** The admin form's key: a double-submitted "create token" creates one token. */
		idempotencyKey: text('idempotency_key').notNull(),
		version: version()
	},
	(t) => [
		uniqueIndex('device_tokens_hash_key').on(t.tokenHash),
		uniqueIndex('device_tokens_idempotency_key').on(t.idempotencyKey),
		check('device_tokens_revoked_check', sql`(${t.revokedAt} is null) = (${t.revokedBy} is null)`)
	]
);

/** The sites and communities a device token may read and write. */
export const deviceTokenSites = pgTable(
	'device_token_sites',
	{
		tokenId: uuid('token_id')
			.notNull()
			.references(() => deviceTokens.id, { onDelete: 'cascade' }),
		siteId: uuid('site_id')
			.notNull()
			.references(() => sites.id)
	},
	(t) => [primaryKey({ columns: [t.tokenId, t.siteId] }), index('device_token_sites_site_idx').on(t.siteId)]
);

/**
 * Which token sent a reading, and the answer it got: a retried request with the same key gets the
 * first answer back word for word, even after its alerts have moved on.
 */
export const deviceReadings = pgTable('device_readings', {
	readingId: uuid('reading_id')
		.primaryKey()
		.references(() => readings.id),
	tokenId: uuid('token_id')
		.notNull()
		.references(() => deviceTokens.id),
	answer: jsonb('answer').notNull(),
	createdAt: createdAt()
});

/**
 * Failed sign-in counters, per account and per client address. They live in the database so that the
 * limit holds across every server behind the load balancer.
 */
export const loginThrottle = pgTable('login_throttle', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStart: instant('window_start').notNull().defaultNow(),
	lockedUntil: instant('locked_until')
});

/**
 * Who did what, when. Holds masked ID numbers and phones only. Append-only: a trigger refuses UPDATE
 * and DELETE, so nothing in the app can edit or remove an audit row.
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: instant('at').notNull().defaultNow(),
		actorId: uuid('actor_id'),
		actorRole: roleEnum('actor_role'),
		action: text('action').notNull(),
		entity: text('entity').notNull(),
		entityId: text('entity_id'),
		residentId: uuid('resident_id'),
		before: jsonb('before'),
		after: jsonb('after'),
		ip: text('ip')
	},
	(t) => [
		index('audit_log_at_idx').on(t.at),
		index('audit_log_actor_idx').on(t.actorId, t.at),
		index('audit_log_resident_idx').on(t.residentId, t.at),
		index('audit_log_entity_idx').on(t.entity, t.entityId)
	]
);

export type Site = typeof sites.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type User = typeof users.$inferSelect;
export type Resident = typeof residents.$inferSelect;
export type Stay = typeof stays.$inferSelect;
export type StayEvent = typeof stayEvents.$inferSelect;
export type Reading = typeof readings.$inferSelect;
export type Alert = typeof alerts.$inferSelect;
export type Plan = typeof plans.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AccessCode = typeof accessCodes.$inferSelect;
export type DeviceToken = typeof deviceTokens.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
