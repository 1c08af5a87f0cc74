-- Staff search (issue 4): words in a referral's concern or an advice request's question (full-text, English), and
-- exact names after normalising for names Double Metaphone cannot hear (other scripts). Measured at 1,000,000 referrals
-- by `npm run bench:search`.
CREATE INDEX IF NOT EXISTS "referrals_concern_fts_idx" ON "referrals" USING gin (to_tsvector('english'::regconfig, "concern_text"));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "advice_question_fts_idx" ON "advice_requests" USING gin (to_tsvector('english'::regconfig, "question"));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "referrals_name_key_idx" ON "referrals" USING btree (public.prevent_name_key("person_full_name"));
