CREATE TABLE "postcode_councils" (
	"prefix" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"organisation_id" uuid,
	"note" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "postcode_councils_kind" CHECK ("postcode_councils"."kind" in ('council', 'choose', 'outside')),
	CONSTRAINT "postcode_councils_council_named" CHECK (("postcode_councils"."kind" = 'council') = ("postcode_councils"."organisation_id" is not null)),
	CONSTRAINT "postcode_councils_prefix_format" CHECK ("postcode_councils"."prefix" ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9])?$')
);
--> statement-breakpoint
CREATE TABLE "referral_links" (
	"referral_id" uuid NOT NULL,
	"earlier_referral_id" uuid NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_links_referral_id_earlier_referral_id_pk" PRIMARY KEY("referral_id","earlier_referral_id"),
	CONSTRAINT "referral_links_status" CHECK ("referral_links"."status" in ('confirmed', 'rejected')),
	CONSTRAINT "referral_links_not_self" CHECK ("referral_links"."referral_id" <> "referral_links"."earlier_referral_id")
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "is_repeat" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "postcode_councils" ADD CONSTRAINT "postcode_councils_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postcode_councils" ADD CONSTRAINT "postcode_councils_updated_by_staff_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_links" ADD CONSTRAINT "referral_links_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_links" ADD CONSTRAINT "referral_links_earlier_referral_id_referrals_id_fk" FOREIGN KEY ("earlier_referral_id") REFERENCES "public"."referrals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_links" ADD CONSTRAINT "referral_links_decided_by_staff_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_links_earlier_idx" ON "referral_links" USING btree ("earlier_referral_id");