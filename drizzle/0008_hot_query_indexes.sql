CREATE INDEX "alerts_first_triggered_idx" ON "alerts" USING btree ("first_triggered_at");--> statement-breakpoint
CREATE INDEX "alerts_resolved_at_idx" ON "alerts" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "stays_active_site_idx" ON "stays" USING btree ("site_id") WHERE "stays"."status" = 'active';--> statement-breakpoint
CREATE INDEX "stays_outcome_at_idx" ON "stays" USING btree ("outcome_at");--> statement-breakpoint
CREATE INDEX "stays_updated_at_idx" ON "stays" USING btree ("updated_at");