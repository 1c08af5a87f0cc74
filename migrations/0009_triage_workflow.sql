CREATE TABLE "assessment_frameworks" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"definition" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_frameworks_code_version_pk" PRIMARY KEY("code","version"),
	CONSTRAINT "assessment_frameworks_version" CHECK ("assessment_frameworks"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"framework_code" text NOT NULL,
	"framework_version" integer NOT NULL,
	"answers" jsonb NOT NULL,
	"summary" text NOT NULL,
	"previous_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessments_summary" CHECK (length(btrim("assessments"."summary")) > 0)
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"role" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea",
	"stored_path" text,
	"description" text,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_role" CHECK ("attachments"."role" in ('attachment', 'original_email', 'original_form')),
	CONSTRAINT "attachments_stored_once" CHECK (("attachments"."content" is null) <> ("attachments"."stored_path" is null)),
	CONSTRAINT "attachments_size" CHECK ("attachments"."size_bytes" >= 0),
	CONSTRAINT "attachments_sha256" CHECK ("attachments"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "attachments_name" CHECK (length(btrim("attachments"."file_name")) between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "bank_holidays" (
	"day" date PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "case_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"referral_id" uuid,
	"advice_id" uuid,
	"kind" text NOT NULL,
	"author_kind" text NOT NULL,
	"author_id" uuid,
	"body" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"corrects_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_events_kind" CHECK (kind in ('received', 'assigned', 'status', 'note', 'correction', 'attachment', 'recontact_sent', 'referrer_answer', 'referrer_added', 'check', 'assessment', 'decision', 'approval', 'approval_returned', 'explanation', 'handover', 'handover_accepted', 'handover_returned', 'link', 'advice_reply')),
	CONSTRAINT "case_events_one_record" CHECK (("case_events"."referral_id" is null) <> ("case_events"."advice_id" is null)),
	CONSTRAINT "case_events_author" CHECK (("case_events"."author_kind" = 'staff') = ("case_events"."author_id" is not null)),
	CONSTRAINT "case_events_correction_points" CHECK (("case_events"."kind" = 'correction') = ("case_events"."corrects_id" is not null)),
	CONSTRAINT "case_events_body_not_blank" CHECK ("case_events"."body" is null or length(btrim("case_events"."body")) > 0)
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"referred_to" text,
	"rationale" text NOT NULL,
	"made_by" uuid NOT NULL,
	"made_at" timestamp with time zone DEFAULT now() NOT NULL,
	"on_repeat" boolean DEFAULT false NOT NULL,
	"requires_approval" boolean DEFAULT true NOT NULL,
	"approval" text NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_comment" text,
	CONSTRAINT "decisions_outcome" CHECK ("decisions"."outcome" in ('no_further_action', 'signposted', 'police_led', 'channel')),
	CONSTRAINT "decisions_approval" CHECK ("decisions"."approval" in ('not_required', 'pending', 'approved', 'returned')),
	CONSTRAINT "decisions_referred_to" CHECK (("decisions"."outcome" = 'signposted') = ("decisions"."referred_to" is not null)),
	CONSTRAINT "decisions_rationale" CHECK (length(btrim("decisions"."rationale")) >= 10),
	CONSTRAINT "decisions_approval_needed" CHECK ("decisions"."requires_approval" = ("decisions"."outcome" in ('no_further_action', 'signposted') or "decisions"."on_repeat")),
	CONSTRAINT "decisions_approval_fits" CHECK (("decisions"."approval" = 'not_required') = (not "decisions"."requires_approval")),
	CONSTRAINT "decisions_reviewed" CHECK (("decisions"."approval" in ('approved', 'returned')) = ("decisions"."reviewed_by" is not null and "decisions"."reviewed_at" is not null)),
	CONSTRAINT "decisions_return_explained" CHECK ("decisions"."approval" <> 'returned' or "decisions"."review_comment" is not null),
	CONSTRAINT "decisions_four_eyes" CHECK ("decisions"."reviewed_by" is null or "decisions"."reviewed_by" <> "decisions"."made_by")
);
--> statement-breakpoint
CREATE TABLE "explanations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"decision_id" uuid NOT NULL,
	"audience" text NOT NULL,
	"channel" text NOT NULL,
	"template_code" text,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"outbox_id" uuid,
	"sent_by" uuid NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "explanations_audience" CHECK ("explanations"."audience" in ('public', 'professional')),
	CONSTRAINT "explanations_channel" CHECK ("explanations"."channel" in ('email', 'letter')),
	CONSTRAINT "explanations_email_queued" CHECK (("explanations"."channel" = 'email') = ("explanations"."outbox_id" is not null)),
	CONSTRAINT "explanations_body" CHECK (length(btrim("explanations"."body")) > 0)
);
--> statement-breakpoint
CREATE TABLE "handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"suggested_organisation_id" uuid,
	"override_reason" text,
	"status" text DEFAULT 'offered' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"responded_by" uuid,
	"responded_at" timestamp with time zone,
	"return_reason" text,
	CONSTRAINT "handovers_status" CHECK ("handovers"."status" in ('offered', 'accepted', 'returned')),
	CONSTRAINT "handovers_responded" CHECK (("handovers"."status" = 'offered') = ("handovers"."responded_at" is null)),
	CONSTRAINT "handovers_return_reason" CHECK (("handovers"."status" = 'returned') = ("handovers"."return_reason" is not null)),
	CONSTRAINT "handovers_override_explained" CHECK ("handovers"."suggested_organisation_id" is null or "handovers"."suggested_organisation_id" = "handovers"."organisation_id" or "handovers"."override_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "information_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"source" text NOT NULL,
	"asked_on" date NOT NULL,
	"asked_by" uuid NOT NULL,
	"request" text,
	"outcome" text DEFAULT 'pending' NOT NULL,
	"response" text,
	"responded_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "information_checks_outcome" CHECK ("information_checks"."outcome" in ('pending', 'nothing_known', 'information_held', 'declined')),
	CONSTRAINT "information_checks_answered" CHECK (("information_checks"."outcome" = 'pending') = ("information_checks"."responded_on" is null)),
	CONSTRAINT "information_checks_source" CHECK (length(btrim("information_checks"."source")) > 0)
);
--> statement-breakpoint
CREATE TABLE "letter_templates" (
	"code" text PRIMARY KEY NOT NULL,
	"audience" text NOT NULL,
	"title" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "letter_templates_audience" CHECK ("letter_templates"."audience" in ('public', 'professional'))
);
--> statement-breakpoint
CREATE TABLE "recontact_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"token_hash" text NOT NULL,
	"question" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "recontact_requests_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "recontact_purpose" CHECK ("recontact_requests"."purpose" in ('question', 'add_information')),
	CONSTRAINT "recontact_question_asked" CHECK (("recontact_requests"."purpose" = 'question') = ("recontact_requests"."question" is not null)),
	CONSTRAINT "recontact_officer_asks" CHECK ("recontact_requests"."purpose" <> 'question' or "recontact_requests"."created_by" is not null),
	CONSTRAINT "recontact_expiry_after_creation" CHECK ("recontact_requests"."expires_at" > "recontact_requests"."created_at"),
	CONSTRAINT "recontact_token_hash" CHECK ("recontact_requests"."token_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "triage_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"target_working_days" smallint DEFAULT 5 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "triage_settings_single_row" CHECK ("triage_settings"."id"),
	CONSTRAINT "triage_settings_target_range" CHECK ("triage_settings"."target_working_days" between 1 and 60)
);
--> statement-breakpoint
ALTER TABLE "advice_requests" ADD COLUMN "assigned_officer_id" uuid;--> statement-breakpoint
ALTER TABLE "advice_requests" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "advice_requests" ADD COLUMN "answered_by" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "state_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "on_hold_until" date;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "due_on" date DEFAULT current_date NOT NULL;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploaded_by_staff_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_advice_id_advice_requests_id_fk" FOREIGN KEY ("advice_id") REFERENCES "public"."advice_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_author_id_staff_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_corrects_fk" FOREIGN KEY ("corrects_id") REFERENCES "public"."case_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_made_by_staff_users_id_fk" FOREIGN KEY ("made_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_reviewed_by_staff_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanations" ADD CONSTRAINT "explanations_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanations" ADD CONSTRAINT "explanations_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanations" ADD CONSTRAINT "explanations_template_code_letter_templates_code_fk" FOREIGN KEY ("template_code") REFERENCES "public"."letter_templates"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "explanations" ADD CONSTRAINT "explanations_sent_by_staff_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_suggested_organisation_id_organisations_id_fk" FOREIGN KEY ("suggested_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_responded_by_staff_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "information_checks" ADD CONSTRAINT "information_checks_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "information_checks" ADD CONSTRAINT "information_checks_asked_by_staff_users_id_fk" FOREIGN KEY ("asked_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_templates" ADD CONSTRAINT "letter_templates_updated_by_staff_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recontact_requests" ADD CONSTRAINT "recontact_requests_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recontact_requests" ADD CONSTRAINT "recontact_requests_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_settings" ADD CONSTRAINT "triage_settings_updated_by_staff_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_frameworks_one_active" ON "assessment_frameworks" USING btree ("code") WHERE active;--> statement-breakpoint
CREATE INDEX "assessments_referral_idx" ON "assessments" USING btree ("referral_id","created_at");--> statement-breakpoint
CREATE INDEX "attachments_referral_idx" ON "attachments" USING btree ("referral_id","created_at");--> statement-breakpoint
CREATE INDEX "case_events_referral_idx" ON "case_events" USING btree ("referral_id","id");--> statement-breakpoint
CREATE INDEX "case_events_advice_idx" ON "case_events" USING btree ("advice_id","id");--> statement-breakpoint
CREATE INDEX "decisions_referral_idx" ON "decisions" USING btree ("referral_id","made_at");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_one_pending" ON "decisions" USING btree ("referral_id") WHERE approval = 'pending';--> statement-breakpoint
CREATE INDEX "decisions_pending_idx" ON "decisions" USING btree ("made_at") WHERE approval = 'pending';--> statement-breakpoint
CREATE INDEX "explanations_referral_idx" ON "explanations" USING btree ("referral_id");--> statement-breakpoint
CREATE UNIQUE INDEX "handovers_one_current" ON "handovers" USING btree ("referral_id") WHERE status in ('offered', 'accepted');--> statement-breakpoint
CREATE INDEX "handovers_organisation_idx" ON "handovers" USING btree ("organisation_id","status");--> statement-breakpoint
CREATE INDEX "information_checks_referral_idx" ON "information_checks" USING btree ("referral_id");--> statement-breakpoint
CREATE INDEX "recontact_referral_idx" ON "recontact_requests" USING btree ("referral_id");--> statement-breakpoint
ALTER TABLE "advice_requests" ADD CONSTRAINT "advice_requests_assigned_officer_id_staff_users_id_fk" FOREIGN KEY ("assigned_officer_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advice_requests" ADD CONSTRAINT "advice_requests_answered_by_staff_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referrals_queue_idx" ON "referrals" USING btree ("status","due_on","received_at") WHERE status <> 'decided';--> statement-breakpoint
CREATE INDEX "referrals_officer_queue_idx" ON "referrals" USING btree ("assigned_officer_id","status","due_on") WHERE status <> 'decided';--> statement-breakpoint
ALTER TABLE "advice_requests" ADD CONSTRAINT "advice_answered_together" CHECK (("advice_requests"."answered_at" is null) = ("advice_requests"."answered_by" is null));--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_hold_only_awaiting" CHECK ("referrals"."on_hold_until" is null or "referrals"."status" = 'awaiting_information');--> statement-breakpoint
-- Working days after a date: weekends and the bank holidays in bank_holidays are skipped. A referral received on a
-- Saturday with a target of 5 is due on the Friday after (Monday being day 1).
CREATE OR REPLACE FUNCTION public.prevent_add_working_days(start_day date, days integer) RETURNS date
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  d date := start_day;
  n integer := 0;
BEGIN
  WHILE n < days LOOP
    d := d + 1;
    IF extract(isodow FROM d) < 6 AND NOT EXISTS (SELECT 1 FROM public.bank_holidays b WHERE b.day = d) THEN
      n := n + 1;
    END IF;
  END LOOP;
  RETURN d;
END;
$$;
--> statement-breakpoint
-- A new referral's target date for its threshold decision, from its receipt (London date) and the configured target.
CREATE OR REPLACE FUNCTION public.referrals_set_due_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.due_on := public.prevent_add_working_days(
    (NEW.received_at AT TIME ZONE 'Europe/London')::date,
    coalesce((SELECT s.target_working_days FROM public.triage_settings s WHERE s.id), 5));
  NEW.state_changed_at := NEW.received_at;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER referrals_due_on BEFORE INSERT ON referrals FOR EACH ROW EXECUTE FUNCTION referrals_set_due_on();
--> statement-breakpoint
-- The states a referral may move between. Reaching "awaiting approval" needs a pending decision; reaching "decided"
-- needs a decision that took effect (approved, or needing no approval) since the referral last changed state.
CREATE OR REPLACE FUNCTION public.referrals_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF (OLD.status, NEW.status) NOT IN (
      ('new', 'in_triage'),
      ('in_triage', 'awaiting_information'),
      ('awaiting_information', 'in_triage'),
      ('in_triage', 'awaiting_approval'),
      ('awaiting_approval', 'in_triage'),
      ('awaiting_approval', 'decided'),
      ('in_triage', 'decided'),
      ('decided', 'in_triage')
    ) THEN
      RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status USING ERRCODE = '23514';
    END IF;
    IF NEW.status = 'awaiting_approval' AND NOT EXISTS (
      SELECT 1 FROM public.decisions d WHERE d.referral_id = NEW.id AND d.approval = 'pending'
    ) THEN
      RAISE EXCEPTION 'a referral awaits approval only with a pending decision' USING ERRCODE = '23514';
    END IF;
    IF NEW.status = 'decided' AND NOT EXISTS (
      SELECT 1 FROM public.decisions d
      WHERE d.referral_id = NEW.id
        AND (d.approval = 'not_required' AND d.made_at >= OLD.state_changed_at
          OR d.approval = 'approved' AND d.reviewed_at >= OLD.state_changed_at)
    ) THEN
      RAISE EXCEPTION 'a referral is decided only by a decision that took effect' USING ERRCODE = '23514';
    END IF;
    NEW.state_changed_at := now();
    IF NEW.status <> 'awaiting_information' THEN
      NEW.on_hold_until := NULL;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER referrals_transition BEFORE UPDATE OF status ON referrals
  FOR EACH ROW EXECUTE FUNCTION referrals_check_transition();
--> statement-breakpoint
-- A decision's need for approval is the database's to say: "does not meet the threshold" outcomes and decisions on a
-- repeat referral wait for a supervisor (the CHECK decisions_approval_needed then holds whatever the form sent).
CREATE OR REPLACE FUNCTION public.decisions_set_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r.is_repeat INTO NEW.on_repeat FROM public.referrals r WHERE r.id = NEW.referral_id;
  NEW.on_repeat := coalesce(NEW.on_repeat, false);
  NEW.requires_approval := NEW.outcome IN ('no_further_action', 'signposted') OR NEW.on_repeat;
  NEW.approval := CASE WHEN NEW.requires_approval THEN 'pending' ELSE 'not_required' END;
  NEW.reviewed_by := NULL;
  NEW.reviewed_at := NULL;
  NEW.review_comment := NULL;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER decisions_approval BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION decisions_set_approval();
--> statement-breakpoint
-- Once recorded, a decision changes only by its one review (pending → approved or returned); nothing else of it moves.
CREATE OR REPLACE FUNCTION public.decisions_review_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'decisions are never deleted' USING ERRCODE = '42501';
  END IF;
  IF OLD.approval <> 'pending' OR NEW.approval NOT IN ('approved', 'returned')
     OR (NEW.referral_id, NEW.outcome, NEW.referred_to, NEW.rationale, NEW.made_by, NEW.made_at, NEW.on_repeat,
         NEW.requires_approval)
        IS DISTINCT FROM
        (OLD.referral_id, OLD.outcome, OLD.referred_to, OLD.rationale, OLD.made_by, OLD.made_at, OLD.on_repeat,
         OLD.requires_approval) THEN
    RAISE EXCEPTION 'a decision changes only by approving or returning it while it is pending' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER decisions_review BEFORE UPDATE OR DELETE ON decisions FOR EACH ROW EXECUTE FUNCTION decisions_review_only();
--> statement-breakpoint
-- Append-only records of a case: the chronology, files, assessments and explanations sent.
CREATE OR REPLACE FUNCTION public.append_only_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
  FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
CREATE TRIGGER attachments_no_update BEFORE UPDATE OR DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
CREATE TRIGGER assessments_no_update BEFORE UPDATE OR DELETE ON assessments
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
CREATE TRIGGER explanations_no_update BEFORE UPDATE OR DELETE ON explanations
  FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change();
--> statement-breakpoint
-- A correction points at an entry of the same case.
CREATE OR REPLACE FUNCTION public.case_events_correction_same_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.corrects_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.case_events e
    WHERE e.id = NEW.corrects_id
      AND e.referral_id IS NOT DISTINCT FROM NEW.referral_id
      AND e.advice_id IS NOT DISTINCT FROM NEW.advice_id
  ) THEN
    RAISE EXCEPTION 'a correction must point at an entry of the same case' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER case_events_correction BEFORE INSERT ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_correction_same_case();
--> statement-breakpoint
-- The application's role may add to these records but never change or remove them (independently of the triggers).
REVOKE UPDATE, DELETE, TRUNCATE ON case_events, attachments, assessments, explanations FROM prevent_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON decisions FROM prevent_app;
--> statement-breakpoint
-- Referrals already received get their target date as the insert trigger would have set it.
UPDATE referrals SET due_on = prevent_add_working_days((received_at AT TIME ZONE 'Europe/London')::date, 5),
  state_changed_at = received_at;
--> statement-breakpoint
INSERT INTO triage_settings (id, target_working_days) VALUES (true, 5) ON CONFLICT (id) DO NOTHING;
