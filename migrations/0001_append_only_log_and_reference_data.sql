-- The s.62 access log is append-only: the database itself refuses to change or remove a row.
CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
-- A submitted draft can never be re-pointed at another reference.
CREATE OR REPLACE FUNCTION drafts_submitted_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.submitted_reference IS NOT NULL AND NEW.submitted_reference IS DISTINCT FROM OLD.submitted_reference THEN
    RAISE EXCEPTION 'draft % was already submitted', OLD.id USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER drafts_submitted_final BEFORE UPDATE ON drafts
  FOR EACH ROW EXECUTE FUNCTION drafts_submitted_is_final();
--> statement-breakpoint
INSERT INTO concern_types (code, label, sort) VALUES
  ('islamist', 'Islamist', 10),
  ('extreme-right-wing', 'Extreme right-wing', 20),
  ('left-wing-anarchist', 'Left-wing, anarchist or single issue', 30),
  ('northern-ireland', 'Northern Ireland-related', 40),
  ('conflicted', 'Conflicted (more than one ideology)', 50),
  ('violence-fascination', 'Fascination with extreme violence or mass casualty attacks', 60),
  ('no-ideology', 'No clear ideology', 70),
  ('not-sure', 'I am not sure', 80)
ON CONFLICT (code) DO NOTHING;
--> statement-breakpoint
INSERT INTO referrer_sectors (code, label, sort) VALUES
  ('education', 'Education (school, college or university)', 10),
  ('health', 'Health (including mental health)', 20),
  ('local-authority', 'Local authority (including children''s and adult services)', 30),
  ('police', 'Police', 40),
  ('probation-prisons', 'Probation or prisons', 50),
  ('housing', 'Housing', 60),
  ('charity-community', 'Charity, community or faith organisation', 70),
  ('employer', 'Employer (other)', 80),
  ('other', 'Other', 90)
ON CONFLICT (code) DO NOTHING;
