ALTER TABLE "alerts" ADD COLUMN "opened_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "alerts" SET "opened_at" = "first_triggered_at";
