CREATE INDEX "access_log_reference_idx" ON "access_log" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "access_log_actor_idx" ON "access_log" USING btree ("actor_id");