CREATE TABLE "settled_figures" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "calls_slot_idx";--> statement-breakpoint
CREATE INDEX "calls_slot_idx" ON "calls" USING btree ("slot_date","slot","outcome","stay_id","attempted_at");