-- Staff are disabled, never deleted: the access log's actor ids must keep their meaning.
CREATE OR REPLACE FUNCTION staff_users_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'staff_users rows are disabled, never deleted' USING ERRCODE = '42501';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER staff_users_no_delete BEFORE DELETE ON staff_users
  FOR EACH ROW EXECUTE FUNCTION staff_users_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER staff_users_no_truncate BEFORE TRUNCATE ON staff_users
  FOR EACH STATEMENT EXECUTE FUNCTION staff_users_refuse_delete();
--> statement-breakpoint
-- The hash chain over the log is append-only too.
CREATE TRIGGER access_log_seal_no_update BEFORE UPDATE OR DELETE ON access_log_seal
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER access_log_seal_no_truncate BEFORE TRUNCATE ON access_log_seal
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
-- The role the application works as. It may read and write the service's tables but may never change or remove a log
-- row or a seal: the grants say so, independently of the triggers (which the tables' owner could drop).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'prevent_app') THEN
    CREATE ROLE prevent_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of the same cluster created it at the same moment
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO prevent_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO prevent_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO prevent_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO prevent_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO prevent_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON access_log, access_log_seal FROM prevent_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON access_log, access_log_seal FROM PUBLIC;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON staff_users FROM prevent_app;
--> statement-breakpoint
INSERT INTO organisations (code, name, kind) VALUES
  ('cumbria-police-prevent', 'Cumbria Police Prevent team', 'police_prevent'),
  ('cumberland', 'Cumberland Council', 'council'),
  ('westmorland-furness', 'Westmorland and Furness Council', 'council'),
  ('probation-cumbria', 'Probation Service (Cumbria)', 'probation'),
  ('nhs-north-cumbria', 'North Cumbria Integrated Care NHS Foundation Trust', 'health')
ON CONFLICT (code) DO NOTHING;
