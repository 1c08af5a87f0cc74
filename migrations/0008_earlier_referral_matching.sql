-- Earlier referrals of the same person (ADR 0016): the extensions and the IMMUTABLE functions the matching query and its
-- expression indexes use. Every call inside is schema-qualified, so the indexes mean the same whatever the search_path
-- (pg_dump/restore runs with an empty one). Changing a function's body means rebuilding the indexes that use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
-- A name as matching sees it: lower case, accents removed (Łukasz → lukasz, Ștefan → stefan), apostrophes dropped
-- (O'Brien → obrien), hyphens and other punctuation as spaces (Smith-Jones → smith jones), spaces collapsed. Letters of
-- other scripts (Arabic, Ethiopic, Chinese…) are kept as they are. Never null ('' for no name).
CREATE OR REPLACE FUNCTION public.prevent_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT btrim(regexp_replace(
      regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, coalesce(name, ''))), '[''’ʼ‘`´]', '', 'g'),
      '[^a-z0-9\u00c0-\u1fff\u3040-\ufaff]+', ' ', 'g'))
  $$;--> statement-breakpoint
-- Given names whose spellings sound nothing alike to Double Metaphone (Irish spellings, short forms), mapped to one
-- spelling first. Deliberately small: a wrong entry would make strangers look alike.
CREATE OR REPLACE FUNCTION public.prevent_name_canon(token text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    SELECT CASE
      WHEN token IN ('siobhan', 'shevaun', 'shivaun', 'shevon', 'chevonne', 'shivon') THEN 'siobhan'
      WHEN token IN ('sean', 'shaun', 'shawn') THEN 'sean'
      WHEN token IN ('niamh', 'neve', 'neeve', 'nieve', 'neave') THEN 'niamh'
      WHEN token IN ('caoimhe', 'keeva', 'keeve', 'queeva') THEN 'caoimhe'
      WHEN token IN ('aoife', 'eefa', 'eeva') THEN 'aoife'
      WHEN token IN ('tadhg', 'teague', 'teige', 'tighe') THEN 'tadhg'
      WHEN token IN ('padraig', 'padraic', 'paudric') THEN 'padraig'
      WHEN token IN ('mohd', 'md', 'muhd') THEN 'mohammed'
      WHEN token IN ('oleksandr', 'olexandr', 'aleksandr', 'aleksander', 'alexandr', 'alexander') THEN 'alexander'
      WHEN token IN ('yusuf', 'yousuf', 'youssef', 'yousef', 'yusef', 'yosef') THEN 'yusuf'
      ELSE token
    END
  $$;--> statement-breakpoint
-- The sound of a name's first and last words (Double Metaphone primary codes, after prevent_name_canon), in a fixed
-- order so that "Khan Mohammed" and "Mohammed Khan" give the same 'KN MHMT'; one word gives its code alone; null without
-- a word of two letters or more. With the date of birth, the index that finds the same person under another spelling.
-- PL/pgSQL rather than SQL: an SQL function with a subquery costs about 20 times as much per row (index builds).
CREATE OR REPLACE FUNCTION public.prevent_name_pair(name text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    token text;
    first_code text;
    last_code text;
  BEGIN
    FOREACH token IN ARRAY string_to_array(public.prevent_name_key(name), ' ') LOOP
      CONTINUE WHEN length(token) < 2;
      last_code := public.dmetaphone(public.prevent_name_canon(token));
      CONTINUE WHEN last_code = '';
      first_code := coalesce(first_code, last_code);
    END LOOP;
    IF first_code IS NULL THEN RETURN NULL; END IF;
    IF first_code = last_code THEN RETURN first_code; END IF;
    RETURN least(first_code COLLATE "C", last_code COLLATE "C") || ' ' || greatest(first_code COLLATE "C", last_code COLLATE "C");
  END
  $$;--> statement-breakpoint
-- Each word's codes in the name's order, as 'PRIMARY/ALTERNATIVE' (the scoring lines words up one by one).
CREATE OR REPLACE FUNCTION public.prevent_name_token_sounds(name text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    token text;
    codes text[] := '{}';
  BEGIN
    FOREACH token IN ARRAY string_to_array(public.prevent_name_key(name), ' ') LOOP
      token := public.prevent_name_canon(token);
      codes := codes || (public.dmetaphone(token) || '/' || public.dmetaphone_alt(token));
    END LOOP;
    RETURN codes;
  END
  $$;--> statement-breakpoint
-- A postcode as matching sees it: upper case, no spaces ('ca1 1ab' → 'CA11AB'); null when there is none.
CREATE OR REPLACE FUNCTION public.prevent_postcode_key(postcode text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT nullif(upper(regexp_replace(coalesce(postcode, ''), '\s+', '', 'g')), '') $$;--> statement-breakpoint
CREATE INDEX "referrals_other_names_key_trgm_idx" ON "referrals" USING gin (public.prevent_name_key("person_other_names") public.gin_trgm_ops) WHERE "person_other_names" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "referrals_name_pair_dob_idx" ON "referrals" USING btree (public.prevent_name_pair("person_full_name"), "person_dob");--> statement-breakpoint
CREATE INDEX "referrals_person_dob_idx" ON "referrals" USING btree ("person_dob") WHERE "person_dob" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "referrals_postcode_key_idx" ON "referrals" USING btree (public.prevent_postcode_key("person_postcode")) WHERE "person_postcode" IS NOT NULL;
