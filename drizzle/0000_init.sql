CREATE TYPE "public"."alert_kind" AS ENUM('fever', 'hypoxia', 'news2', 'red_vital', 'symptom', 'missed_reading', 'unreachable', 'positive_test', 'delivery_overdue');--> statement-breakpoint
CREATE TYPE "public"."alert_outcome" AS ENUM('rechecked_normal', 'treated_on_site', 'transferred_hospital', 'false_reading', 'late_reading');--> statement-breakpoint
CREATE TYPE "public"."alert_status" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."call_outcome" AS ENUM('reached', 'no_answer', 'busy', 'wrong_number', 'refused');--> statement-breakpoint
CREATE TYPE "public"."resident_category" AS ENUM('close_contact', 'secondary_contact', 'inbound', 'high_risk_area', 'other');--> statement-breakpoint
CREATE TYPE "public"."counts_from" AS ENUM('admission', 'exposure');--> statement-breakpoint
CREATE TYPE "public"."delivery_kind" AS ENUM('medicine', 'tcm', 'supply');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('requested', 'approved', 'packed', 'out_for_delivery', 'delivered', 'received', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."id_type" AS ENUM('resident_id', 'passport', 'other');--> statement-breakpoint
CREATE TYPE "public"."phase_mode" AS ENUM('centralised', 'home_isolation', 'home_monitoring');--> statement-breakpoint
CREATE TYPE "public"."reading_source" AS ENUM('staff_round', 'phone', 'self_report', 'device');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('admin', 'site_staff', 'clinician', 'resident');--> statement-breakpoint
CREATE TYPE "public"."room_status" AS ENUM('available', 'occupied', 'needs_disinfection', 'out_of_service');--> statement-breakpoint
CREATE TYPE "public"."severity" AS ENUM('warning', 'critical');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('male', 'female', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."site_kind" AS ENUM('centralised', 'community');--> statement-breakpoint
CREATE TYPE "public"."slot" AS ENUM('morning', 'evening', 'extra');--> statement-breakpoint
CREATE TYPE "public"."stay_event_kind" AS ENUM('admitted', 'phase_changed', 'handed_over', 'room_transferred', 'site_transferred', 'extended', 'test_scheduled', 'test_result', 'released', 'outcome');--> statement-breakpoint
CREATE TYPE "public"."stay_status" AS ENUM('active', 'released', 'transferred_hospital', 'absconded', 'died', 'moved_away');--> statement-breakpoint
CREATE TYPE "public"."test_kind" AS ENUM('nat', 'antigen');--> statement-breakpoint
CREATE TYPE "public"."test_result" AS ENUM('negative', 'positive', 'invalid');--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stay_id" uuid NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"severity" "severity" NOT NULL,
	"status" "alert_status" DEFAULT 'open' NOT NULL,
	"trigger_count" integer DEFAULT 1 NOT NULL,
	"first_triggered_at" timestamp with time zone NOT NULL,
	"last_triggered_at" timestamp with time zone NOT NULL,
	"last_value" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reading_id" uuid,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledge_note" text,
	"escalated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"outcome" "alert_outcome",
	"resolve_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_resolved_check" CHECK (("alerts"."status" = 'resolved') = ("alerts"."resolved_at" is not null and "alerts"."outcome" is not null))
);
--> statement-breakpoint
CREATE TABLE "app_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_role" "role",
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text,
	"resident_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stay_id" uuid NOT NULL,
	"clinician_id" uuid,
	"attempted_at" timestamp with time zone NOT NULL,
	"slot" "slot" NOT NULL,
	"slot_date" date NOT NULL,
	"outcome" "call_outcome" NOT NULL,
	"reading_id" uuid,
	"needs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"note" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stay_id" uuid NOT NULL,
	"kind" "delivery_kind" NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"status" "delivery_status" DEFAULT 'requested' NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"requested_by" uuid,
	"approved_at" timestamp with time zone,
	"approved_by" uuid,
	"packed_at" timestamp with time zone,
	"packed_by" uuid,
	"out_for_delivery_at" timestamp with time zone,
	"out_for_delivery_by" uuid,
	"delivered_at" timestamp with time zone,
	"delivered_by" uuid,
	"received_at" timestamp with time zone,
	"received_by" uuid,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" uuid,
	"cancel_reason" text,
	"call_id" uuid,
	"idempotency_key" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_cancel_check" CHECK (("deliveries"."status" = 'cancelled') = ("deliveries"."cancelled_at" is not null and "deliveries"."cancel_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"protocol_edition" text NOT NULL,
	"counts_from" "counts_from" DEFAULT 'admission' NOT NULL,
	"phases" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stay_id" uuid NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"slot" "slot" NOT NULL,
	"slot_date" date NOT NULL,
	"source" "reading_source" NOT NULL,
	"recorded_by" uuid,
	"temperature" numeric(3, 1),
	"spo2" smallint,
	"spo2_scale" smallint DEFAULT 1 NOT NULL,
	"on_oxygen" boolean DEFAULT false NOT NULL,
	"pulse" smallint,
	"resp_rate" smallint,
	"systolic_bp" smallint,
	"diastolic_bp" smallint,
	"consciousness" text,
	"symptoms" text[] DEFAULT '{}'::text[] NOT NULL,
	"news2_total" smallint,
	"news2_risk" text,
	"note" text,
	"idempotency_key" text NOT NULL,
	"request_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "readings_temperature_range" CHECK ("readings"."temperature" between 30.0 and 45.0),
	CONSTRAINT "readings_spo2_range" CHECK ("readings"."spo2" between 40 and 100),
	CONSTRAINT "readings_pulse_range" CHECK ("readings"."pulse" between 20 and 250),
	CONSTRAINT "readings_resp_rate_range" CHECK ("readings"."resp_rate" between 4 and 80),
	CONSTRAINT "readings_systolic_range" CHECK ("readings"."systolic_bp" between 40 and 300),
	CONSTRAINT "readings_diastolic_range" CHECK ("readings"."diastolic_bp" between 20 and 200),
	CONSTRAINT "readings_spo2_scale_check" CHECK ("readings"."spo2_scale" in (1, 2)),
	CONSTRAINT "readings_consciousness_check" CHECK ("readings"."consciousness" in ('A', 'C', 'V', 'P', 'U')),
	CONSTRAINT "readings_symptoms_check" CHECK ("readings"."symptoms" <@ array['fever','dry_cough','fatigue','sore_throat','smell_taste_loss','diarrhoea','shortness_of_breath','muscle_ache','runny_nose']::text[]),
	CONSTRAINT "readings_has_value_check" CHECK (num_nonnulls("readings"."temperature", "readings"."spo2", "readings"."pulse", "readings"."resp_rate", "readings"."systolic_bp", "readings"."diastolic_bp", "readings"."consciousness") > 0 or cardinality("readings"."symptoms") > 0)
);
--> statement-breakpoint
CREATE TABLE "residents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"id_type" "id_type" NOT NULL,
	"id_number" text NOT NULL,
	"id_last4" text NOT NULL,
	"sex" "sex" DEFAULT 'unknown' NOT NULL,
	"birth_date" date,
	"phone" text NOT NULL,
	"phone_last4" text NOT NULL,
	"emergency_contact_name" text,
	"emergency_contact_phone" text,
	"home_address" text NOT NULL,
	"home_community_id" uuid NOT NULL,
	"pregnant" boolean DEFAULT false NOT NULL,
	"chronic_disease" boolean DEFAULT false NOT NULL,
	"immunosuppressed" boolean DEFAULT false NOT NULL,
	"allergies" text,
	"regular_medicines" text,
	"spo2_scale" smallint DEFAULT 1 NOT NULL,
	"has_oximeter" boolean DEFAULT false NOT NULL,
	"anonymised_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "residents_spo2_scale_check" CHECK ("residents"."spo2_scale" in (1, 2)),
	CONSTRAINT "residents_phone_check" CHECK ("residents"."phone" ~ '^1[3-9][0-9]{9}$')
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"building" text DEFAULT '' NOT NULL,
	"floor" smallint NOT NULL,
	"number" text NOT NULL,
	"capacity" smallint DEFAULT 1 NOT NULL,
	"occupants" smallint DEFAULT 0 NOT NULL,
	"status" "room_status" DEFAULT 'available' NOT NULL,
	"walk_order" integer DEFAULT 0 NOT NULL,
	"cleaned_at" timestamp with time zone,
	"cleaned_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rooms_capacity_check" CHECK ("rooms"."capacity" between 1 and 20),
	CONSTRAINT "rooms_occupants_check" CHECK ("rooms"."occupants" between 0 and "rooms"."capacity")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"kind" "site_kind" NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"district" text,
	"address" text,
	"phone" text,
	"time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stay_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"stay_id" uuid NOT NULL,
	"kind" "stay_event_kind" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"site_id" uuid NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "stays" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resident_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"room_id" uuid,
	"home_community_id" uuid NOT NULL,
	"home_address" text,
	"plan_id" uuid NOT NULL,
	"plan_phases" jsonb NOT NULL,
	"plan_counts_from" "counts_from" NOT NULL,
	"category" "resident_category" NOT NULL,
	"exposure_date" date,
	"source_case_ref" text,
	"admitted_at" timestamp with time zone NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"extensions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"phase_index" smallint DEFAULT 0 NOT NULL,
	"release_due_at" timestamp with time zone NOT NULL,
	"status" "stay_status" DEFAULT 'active' NOT NULL,
	"outcome_at" timestamp with time zone,
	"outcome_by" uuid,
	"outcome_reason" text,
	"outcome_detail" jsonb,
	"admitted_by" uuid,
	"idempotency_key" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stays_outcome_check" CHECK (("stays"."status" = 'active') = ("stays"."outcome_at" is null)),
	CONSTRAINT "stays_phase_index_check" CHECK ("stays"."phase_index" >= 0)
);
--> statement-breakpoint
CREATE TABLE "tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stay_id" uuid NOT NULL,
	"kind" "test_kind" DEFAULT 'nat' NOT NULL,
	"phase_index" smallint NOT NULL,
	"phase_day" smallint,
	"due_from" timestamp with time zone NOT NULL,
	"due_until" timestamp with time zone NOT NULL,
	"sampled_at" timestamp with time zone,
	"sampled_by" uuid,
	"result" "test_result",
	"ct_n" numeric(4, 1),
	"ct_orf" numeric(4, 1),
	"result_at" timestamp with time zone,
	"result_by" uuid,
	"idempotency_key" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tests_result_needs_sample" CHECK ("tests"."result" is null or "tests"."sampled_at" is not null),
	CONSTRAINT "tests_ct_range" CHECK (coalesce("tests"."ct_n", 0) between 0 and 50 and coalesce("tests"."ct_orf", 0) between 0 and 50)
);
--> statement-breakpoint
CREATE TABLE "user_sites" (
	"user_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_sites_user_id_site_id_pk" PRIMARY KEY("user_id","site_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text,
	"display_name" text NOT NULL,
	"role" "role" NOT NULL,
	"password_hash" text,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"resident_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_login_check" CHECK (("users"."role" = 'resident' and "users"."resident_id" is not null) or ("users"."role" <> 'resident' and "users"."username" is not null))
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_reading_id_readings_id_fk" FOREIGN KEY ("reading_id") REFERENCES "public"."readings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_clinician_id_users_id_fk" FOREIGN KEY ("clinician_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_reading_id_readings_id_fk" FOREIGN KEY ("reading_id") REFERENCES "public"."readings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_packed_by_users_id_fk" FOREIGN KEY ("packed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_out_for_delivery_by_users_id_fk" FOREIGN KEY ("out_for_delivery_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_delivered_by_users_id_fk" FOREIGN KEY ("delivered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_home_community_id_sites_id_fk" FOREIGN KEY ("home_community_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_cleaned_by_users_id_fk" FOREIGN KEY ("cleaned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_events" ADD CONSTRAINT "stay_events_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_events" ADD CONSTRAINT "stay_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_events" ADD CONSTRAINT "stay_events_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_home_community_id_sites_id_fk" FOREIGN KEY ("home_community_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_outcome_by_users_id_fk" FOREIGN KEY ("outcome_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_admitted_by_users_id_fk" FOREIGN KEY ("admitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tests" ADD CONSTRAINT "tests_stay_id_stays_id_fk" FOREIGN KEY ("stay_id") REFERENCES "public"."stays"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tests" ADD CONSTRAINT "tests_sampled_by_users_id_fk" FOREIGN KEY ("sampled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tests" ADD CONSTRAINT "tests_result_by_users_id_fk" FOREIGN KEY ("result_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sites" ADD CONSTRAINT "user_sites_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sites" ADD CONSTRAINT "user_sites_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_active_per_kind" ON "alerts" USING btree ("stay_id","kind") WHERE "alerts"."status" in ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX "alerts_active_idx" ON "alerts" USING btree ("status","severity","first_triggered_at") WHERE "alerts"."status" in ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX "alerts_stay_idx" ON "alerts" USING btree ("stay_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_resident_idx" ON "audit_log" USING btree ("resident_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calls_idempotency_key" ON "calls" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "calls_stay_time_idx" ON "calls" USING btree ("stay_id","attempted_at");--> statement-breakpoint
CREATE INDEX "calls_slot_idx" ON "calls" USING btree ("slot_date","slot");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_idempotency_key" ON "deliveries" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "deliveries_stay_idx" ON "deliveries" USING btree ("stay_id");--> statement-breakpoint
CREATE INDEX "deliveries_open_idx" ON "deliveries" USING btree ("status","approved_at") WHERE "deliveries"."status" not in ('received', 'cancelled');--> statement-breakpoint
CREATE UNIQUE INDEX "plans_code_key" ON "plans" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "readings_idempotency_key" ON "readings" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "readings_stay_taken_idx" ON "readings" USING btree ("stay_id","taken_at");--> statement-breakpoint
CREATE INDEX "readings_stay_slot_idx" ON "readings" USING btree ("stay_id","slot_date","slot");--> statement-breakpoint
CREATE UNIQUE INDEX "residents_id_number_key" ON "residents" USING btree ("id_type","id_number");--> statement-breakpoint
CREATE INDEX "residents_id_last4_idx" ON "residents" USING btree ("id_last4");--> statement-breakpoint
CREATE INDEX "residents_phone_last4_idx" ON "residents" USING btree ("phone_last4");--> statement-breakpoint
CREATE INDEX "residents_phone_idx" ON "residents" USING btree ("phone");--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_site_building_number_key" ON "rooms" USING btree ("site_id","building","number");--> statement-breakpoint
CREATE INDEX "rooms_site_floor_idx" ON "rooms" USING btree ("site_id","building","floor","walk_order");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_code_key" ON "sites" USING btree ("code");--> statement-breakpoint
CREATE INDEX "stay_events_stay_idx" ON "stay_events" USING btree ("stay_id","occurred_at");--> statement-breakpoint
CREATE INDEX "stay_events_kind_time_idx" ON "stay_events" USING btree ("kind","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stay_events_idempotency_key" ON "stay_events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "stays_idempotency_key" ON "stays" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "stays_one_active_per_resident" ON "stays" USING btree ("resident_id") WHERE "stays"."status" = 'active';--> statement-breakpoint
CREATE INDEX "stays_site_status_idx" ON "stays" USING btree ("site_id","status");--> statement-breakpoint
CREATE INDEX "stays_room_active_idx" ON "stays" USING btree ("room_id") WHERE "stays"."status" = 'active';--> statement-breakpoint
CREATE INDEX "stays_release_due_idx" ON "stays" USING btree ("release_due_at") WHERE "stays"."status" = 'active';--> statement-breakpoint
CREATE INDEX "stays_resident_idx" ON "stays" USING btree ("resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tests_idempotency_key" ON "tests" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "tests_stay_idx" ON "tests" USING btree ("stay_id","due_from");--> statement-breakpoint
CREATE INDEX "tests_due_idx" ON "tests" USING btree ("due_from") WHERE "tests"."result" is null;--> statement-breakpoint
CREATE INDEX "user_sites_site_idx" ON "user_sites" USING btree ("site_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key" ON "users" USING btree (lower("username"));