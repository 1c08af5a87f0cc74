CREATE TABLE "access_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid,
	"reference" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"organisation" text,
	"channel" text,
	"justification" text,
	"recipients" text[],
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "access_log_action" CHECK ("access_log"."action" in ('collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure')),
	CONSTRAINT "access_log_actor_type" CHECK ("access_log"."actor_type" in ('public', 'staff', 'system'))
);
--> statement-breakpoint
CREATE TABLE "advice_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"draft_id" uuid,
	"source" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"question" text NOT NULL,
	"about_person" text,
	"asker_type" text NOT NULL,
	"asker_name" text NOT NULL,
	"asker_organisation" text,
	"asker_email" text,
	"asker_phone" text,
	"asker_contact_preference" text,
	"answers" jsonb NOT NULL,
	CONSTRAINT "advice_requests_reference_unique" UNIQUE("reference"),
	CONSTRAINT "advice_requests_draft_id_unique" UNIQUE("draft_id"),
	CONSTRAINT "advice_source" CHECK ("advice_requests"."source" in ('online', 'email', 'phone', 'post')),
	CONSTRAINT "advice_status" CHECK ("advice_requests"."status" in ('new', 'answered', 'closed')),
	CONSTRAINT "advice_online_has_draft" CHECK ("advice_requests"."source" <> 'online' or "advice_requests"."draft_id" is not null),
	CONSTRAINT "advice_question_present" CHECK (length(btrim("advice_requests"."question")) > 0),
	CONSTRAINT "advice_asker_type" CHECK ("advice_requests"."asker_type" in ('public', 'professional')),
	CONSTRAINT "advice_contactable" CHECK ("advice_requests"."asker_email" is not null or "advice_requests"."asker_phone" is not null)
);
--> statement-breakpoint
CREATE TABLE "case_references" (
	"reference" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_references_reference_format" CHECK ("case_references"."reference" ~ '^[2-9A-HJKMNP-Z]{8}$'),
	CONSTRAINT "case_references_kind" CHECK ("case_references"."kind" in ('referral', 'advice'))
);
--> statement-breakpoint
CREATE TABLE "concern_types" (
	"code" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drafts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"submitted_reference" text,
	"submitted_at" timestamp with time zone,
	CONSTRAINT "drafts_kind" CHECK ("drafts"."kind" in ('referral', 'advice')),
	CONSTRAINT "drafts_submitted_together" CHECK (("drafts"."submitted_reference" is null) = ("drafts"."submitted_at" is null))
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"template" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"reference" text,
	"message_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_message_id_unique" UNIQUE("message_id"),
	CONSTRAINT "outbox_status" CHECK ("outbox"."status" in ('pending', 'sent', 'failed')),
	CONSTRAINT "outbox_sent_has_time" CHECK ("outbox"."status" <> 'sent' or "outbox"."sent_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"draft_id" uuid,
	"source" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_full_name" text NOT NULL,
	"person_other_names" text,
	"person_dob" date,
	"person_age_approx" smallint,
	"person_gender" text,
	"person_address_known" boolean NOT NULL,
	"person_address_line1" text,
	"person_address_line2" text,
	"person_town" text,
	"person_county" text,
	"person_postcode" text,
	"person_occupation" text,
	"person_phone" text,
	"person_email" text,
	"concern_text" text NOT NULL,
	"concern_since" text,
	"concern_online" text,
	"concern_violence" text NOT NULL,
	"concern_violence_details" text,
	"vulnerabilities" text[] DEFAULT '{}'::text[] NOT NULL,
	"vulnerabilities_details" text,
	"other_agencies" text,
	"person_aware" text NOT NULL,
	"concern_type_code" text,
	"referrer_type" text NOT NULL,
	"referrer_anonymous" boolean NOT NULL,
	"referrer_name" text,
	"referrer_relationship" text,
	"referrer_organisation" text,
	"referrer_role" text,
	"referrer_sector_code" text,
	"referrer_dsl_informed" text,
	"referrer_email" text,
	"referrer_phone" text,
	"referrer_contact_preference" text,
	"answers" jsonb NOT NULL,
	CONSTRAINT "referrals_reference_unique" UNIQUE("reference"),
	CONSTRAINT "referrals_draft_id_unique" UNIQUE("draft_id"),
	CONSTRAINT "referrals_source" CHECK ("referrals"."source" in ('online', 'email', 'phone', 'post')),
	CONSTRAINT "referrals_status" CHECK ("referrals"."status" in ('new', 'in_triage', 'awaiting_information', 'awaiting_approval', 'decided')),
	CONSTRAINT "referrals_online_has_draft" CHECK ("referrals"."source" <> 'online' or "referrals"."draft_id" is not null),
	CONSTRAINT "referrals_name_present" CHECK (length(btrim("referrals"."person_full_name")) > 0),
	CONSTRAINT "referrals_concern_present" CHECK (length(btrim("referrals"."concern_text")) > 0),
	CONSTRAINT "referrals_age_range" CHECK ("referrals"."person_age_approx" is null or "referrals"."person_age_approx" between 0 and 120),
	CONSTRAINT "referrals_dob_past" CHECK ("referrals"."person_dob" is null or "referrals"."person_dob" <= current_date),
	CONSTRAINT "referrals_violence" CHECK ("referrals"."concern_violence" in ('yes', 'no', 'unknown')),
	CONSTRAINT "referrals_person_aware" CHECK ("referrals"."person_aware" in ('yes', 'no', 'unknown')),
	CONSTRAINT "referrals_referrer_type" CHECK ("referrals"."referrer_type" in ('public', 'professional')),
	CONSTRAINT "referrals_contactable_unless_anonymous" CHECK ("referrals"."referrer_anonymous" or "referrals"."referrer_email" is not null or "referrals"."referrer_phone" is not null),
	CONSTRAINT "referrals_anonymous_has_no_contact" CHECK (not "referrals"."referrer_anonymous" or ("referrals"."referrer_email" is null and "referrals"."referrer_phone" is null and "referrals"."referrer_name" is null)),
	CONSTRAINT "referrals_professional_not_anonymous" CHECK ("referrals"."referrer_type" <> 'professional' or not "referrals"."referrer_anonymous")
);
--> statement-breakpoint
CREATE TABLE "referrer_sectors" (
	"code" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
ALTER TABLE "advice_requests" ADD CONSTRAINT "advice_requests_reference_case_references_reference_fk" FOREIGN KEY ("reference") REFERENCES "public"."case_references"("reference") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_submitted_reference_case_references_reference_fk" FOREIGN KEY ("submitted_reference") REFERENCES "public"."case_references"("reference") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_reference_case_references_reference_fk" FOREIGN KEY ("reference") REFERENCES "public"."case_references"("reference") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_concern_type_code_concern_types_code_fk" FOREIGN KEY ("concern_type_code") REFERENCES "public"."concern_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_sector_code_referrer_sectors_code_fk" FOREIGN KEY ("referrer_sector_code") REFERENCES "public"."referrer_sectors"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_log_record_idx" ON "access_log" USING btree ("record_type","record_id");--> statement-breakpoint
CREATE INDEX "access_log_occurred_at_idx" ON "access_log" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "advice_received_at_idx" ON "advice_requests" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "drafts_expires_at_idx" ON "drafts" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "referrals_received_at_idx" ON "referrals" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "referrals_status_idx" ON "referrals" USING btree ("status");