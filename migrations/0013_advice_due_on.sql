-- Advice requests get a stored target date, set once on receipt as a referral's is (migration 0009), so the triage
-- queue orders and filters them from an index instead of counting working days for every request on every page.
ALTER TABLE "advice_requests" ADD COLUMN "due_on" date DEFAULT current_date NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.advice_requests_set_due_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.due_on := public.prevent_add_working_days(
    (NEW.received_at AT TIME ZONE 'Europe/London')::date,
    coalesce((SELECT s.target_working_days FROM public.triage_settings s WHERE s.id), 5));
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER advice_requests_due_on BEFORE INSERT ON advice_requests FOR EACH ROW
  EXECUTE FUNCTION advice_requests_set_due_on();
--> statement-breakpoint
-- Requests already received get the date the queue used to compute for them.
UPDATE advice_requests SET due_on = public.prevent_add_working_days(
  (received_at AT TIME ZONE 'Europe/London')::date,
  coalesce((SELECT s.target_working_days FROM public.triage_settings s WHERE s.id), 5));
--> statement-breakpoint
CREATE INDEX "advice_triage_order_idx" ON "advice_requests" USING btree ("due_on","received_at","reference") WHERE status = 'new';
--> statement-breakpoint
-- The queue filtered by type of concern, alone or with a state, read in the queue's order and counted from the index.
CREATE INDEX "referrals_queue_concern_idx" ON "referrals" USING btree ("concern_type_code","due_on","received_at","reference","status") WHERE status <> 'decided';
