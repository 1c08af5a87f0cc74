CREATE TABLE "access_log_seal" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"log_id" bigint NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_log_seal_log_id_unique" UNIQUE("log_id"),
	CONSTRAINT "access_log_seal_seq_positive" CHECK ("access_log_seal"."seq" > 0),
	CONSTRAINT "access_log_seal_hash_format" CHECK ("access_log_seal"."hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "access_reasons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_reasons_reason_present" CHECK (length(btrim("access_reasons"."reason")) >= 10)
);
--> statement-breakpoint
CREATE TABLE "case_shares" (
	"referral_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"shared_at" timestamp with time zone DEFAULT now() NOT NULL,
	"shared_by" uuid,
	"ended_at" timestamp with time zone,
	CONSTRAINT "case_shares_referral_id_organisation_id_purpose_pk" PRIMARY KEY("referral_id","organisation_id","purpose"),
	CONSTRAINT "case_shares_purpose" CHECK ("case_shares"."purpose" in ('council', 'panel'))
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_code_unique" UNIQUE("code"),
	CONSTRAINT "organisations_kind" CHECK ("organisations"."kind" in ('police_prevent', 'council', 'health', 'education', 'childrens_services', 'adult_services', 'probation', 'housing', 'channel_provider', 'other')),
	CONSTRAINT "organisations_code_format" CHECK ("organisations"."code" ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttle" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "staff_roles" (
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"granted_by" uuid,
	CONSTRAINT "staff_roles_user_id_role_pk" PRIMARY KEY("user_id","role"),
	CONSTRAINT "staff_roles_role" CHECK ("staff_roles"."role" in ('prevent_officer', 'prevent_supervisor', 'channel_coordinator', 'panel_member', 'engagement_officer', 'analyst', 'dpo', 'administrator'))
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"method" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_reason" text,
	"user_agent" text,
	CONSTRAINT "staff_sessions_stage" CHECK ("staff_sessions"."stage" in ('second_factor', 'totp_setup', 'signed_in')),
	CONSTRAINT "staff_sessions_method" CHECK ("staff_sessions"."method" in ('password', 'oidc')),
	CONSTRAINT "staff_sessions_ended_together" CHECK (("staff_sessions"."ended_at" is null) = ("staff_sessions"."ended_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"password_hash" text,
	"totp_secret" text,
	"totp_enabled_at" timestamp with time zone,
	"totp_last_step" bigint,
	"oidc_issuer" text,
	"oidc_subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	"last_sign_in_at" timestamp with time zone,
	CONSTRAINT "staff_users_email_unique" UNIQUE("email"),
	CONSTRAINT "staff_users_status" CHECK ("staff_users"."status" in ('active', 'disabled')),
	CONSTRAINT "staff_users_email_lower" CHECK ("staff_users"."email" = lower("staff_users"."email") and position('@' in "staff_users"."email") > 1),
	CONSTRAINT "staff_users_disabled_has_time" CHECK (("staff_users"."status" = 'disabled') = ("staff_users"."disabled_at" is not null)),
	CONSTRAINT "staff_users_oidc_pair" CHECK (("staff_users"."oidc_issuer" is null) = ("staff_users"."oidc_subject" is null)),
	CONSTRAINT "staff_users_totp_pair" CHECK (("staff_users"."totp_secret" is null) = ("staff_users"."totp_enabled_at" is null))
);
--> statement-breakpoint
ALTER TABLE "drafts" ALTER COLUMN "answers" SET DEFAULT '{"values":{},"completed":[]}'::jsonb;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "assigned_officer_id" uuid;--> statement-breakpoint
ALTER TABLE "access_reasons" ADD CONSTRAINT "access_reasons_session_id_hash_staff_sessions_id_hash_fk" FOREIGN KEY ("session_id_hash") REFERENCES "public"."staff_sessions"("id_hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_reasons" ADD CONSTRAINT "access_reasons_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_shares" ADD CONSTRAINT "case_shares_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_shares" ADD CONSTRAINT "case_shares_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_shares" ADD CONSTRAINT "case_shares_shared_by_staff_users_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_roles" ADD CONSTRAINT "staff_roles_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_roles" ADD CONSTRAINT "staff_roles_granted_by_staff_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_reasons_once" ON "access_reasons" USING btree ("session_id_hash","record_type","record_id");--> statement-breakpoint
CREATE INDEX "case_shares_organisation_idx" ON "case_shares" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "recovery_codes_user_idx" ON "recovery_codes" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recovery_codes_hash" ON "recovery_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE INDEX "staff_sessions_user_idx" ON "staff_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_oidc_identity" ON "staff_users" USING btree ("oidc_issuer","oidc_subject");--> statement-breakpoint
CREATE INDEX "staff_users_organisation_idx" ON "staff_users" USING btree ("organisation_id");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_assigned_officer_id_staff_users_id_fk" FOREIGN KEY ("assigned_officer_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referrals_assigned_officer_idx" ON "referrals" USING btree ("assigned_officer_id");