DROP INDEX "calls_stay_time_idx";--> statement-breakpoint
CREATE INDEX "calls_stay_time_idx" ON "calls" USING btree ("stay_id","attempted_at","created_at","outcome","slot","slot_date");