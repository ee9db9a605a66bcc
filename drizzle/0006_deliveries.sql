CREATE TABLE "delivery_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" uuid NOT NULL,
	"step" text NOT NULL,
	"from_status" "delivery_status",
	"to_status" "delivery_status" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"actor_role" "role",
	"reason" text,
	"idempotency_key" text
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "source" text DEFAULT 'staff' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "allergy_confirmed" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "overdue_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_events_delivery_idx" ON "delivery_events" USING btree ("delivery_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "delivery_events_idempotency_key" ON "delivery_events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_call_kind_key" ON "deliveries" USING btree ("call_id","kind") WHERE "deliveries"."call_id" is not null;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_source_check" CHECK ("deliveries"."source" in ('staff', 'resident', 'call'));--> statement-breakpoint
-- A delivery's steps are its history: nothing edits or removes them.
CREATE TRIGGER delivery_events_append_only BEFORE UPDATE OR DELETE ON delivery_events
	FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
--> statement-breakpoint
CREATE TRIGGER delivery_events_no_truncate BEFORE TRUNCATE ON delivery_events
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
