-- Migration control (issue 9, docs/operations.md "Routing policy"): every routing input in one place each,
-- the org allowlist for the `new` canary, emergency rollbacks, the canary assignment ledger, and a version that
-- every change to a routing input bumps and announces (NOTIFY route_policies, '<version>') so each gateway
-- instance's policy cache (RoutePolicies) re-reads at once; instances also poll the version as a safety net.

-- An org override lives in organizations.execution_mode only; a user's mode in users.execution_mode only.
-- Older org/user rows of route_policies that carried a mode move there (an explicit column value wins).
UPDATE organizations o SET execution_mode = p.execution_mode, updated_at = now()
  FROM route_policies p
 WHERE p.scope = 'org' AND p.scope_id = o.id AND p.enabled AND p.execution_mode IS NOT NULL
   AND o.execution_mode IS NULL;
UPDATE users u SET execution_mode = p.execution_mode, updated_at = now()
  FROM route_policies p
 WHERE p.scope = 'user' AND p.scope_id = u.id AND p.enabled AND p.execution_mode IS NOT NULL
   AND u.execution_mode IS NULL;
DELETE FROM route_policies WHERE scope = 'user';
UPDATE route_policies SET execution_mode = NULL WHERE scope = 'org';
ALTER TABLE route_policies ADD CONSTRAINT route_policies_scope_known CHECK (scope IN ('global', 'org'));
ALTER TABLE route_policies ADD CONSTRAINT route_policies_mode_global_only CHECK (scope = 'global' OR execution_mode IS NULL);

-- Allowlist for the `new` canary (the seeds' CHAT_RUNTIME_ENABLED_ORGS): only users of these orgs are bucketed.
ALTER TABLE organizations ADD COLUMN new_allowed BOOLEAN NOT NULL DEFAULT false;

-- An emergency rollback in force: every new decision in scope is `legacy`. Undo deletes the row; nothing else
-- is touched by a rollback, so undo restores the previous routing exactly.
CREATE TABLE policy_rollbacks (
  scope      VARCHAR(10) NOT NULL CHECK (scope IN ('global', 'org')),
  scope_id   VARCHAR(128) REFERENCES organizations(id) ON DELETE CASCADE,
  started_by VARCHAR(128) NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  reason     VARCHAR(500),
  CHECK ((scope = 'global') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX uq_policy_rollbacks_scope ON policy_rollbacks(scope, COALESCE(scope_id, ''));

-- A user's canary bucket (0-99) for a rollout, remembered at first assignment: restarts, rollback and undo,
-- lowering then raising the percentage move nobody. Ops clear a rollout's rows explicitly (admin API).
CREATE TABLE canary_assignments (
  rollout_key VARCHAR(64) NOT NULL CHECK (rollout_key ~ '^[A-Za-z0-9._:-]{1,64}$'),
  user_id     VARCHAR(128) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  bucket      SMALLINT NOT NULL CHECK (bucket BETWEEN 0 AND 99),
  assigned_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (rollout_key, user_id)
);

CREATE TABLE policy_version (
  id      SMALLINT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO policy_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_policy_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v BIGINT;
BEGIN
  UPDATE policy_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  PERFORM pg_notify('route_policies', v::text);
  RETURN NULL;
END $$;

CREATE TRIGGER route_policies_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON route_policies
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER policy_rollbacks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_rollbacks
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER agents_changed AFTER UPDATE OF default_execution_mode OR DELETE ON agents
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER agents_added AFTER INSERT ON agents
  FOR EACH ROW WHEN (NEW.default_execution_mode IS NOT NULL) EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER organizations_changed AFTER UPDATE OF execution_mode, new_allowed OR DELETE ON organizations
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER organizations_added AFTER INSERT ON organizations
  FOR EACH ROW WHEN (NEW.execution_mode IS NOT NULL OR NEW.new_allowed) EXECUTE FUNCTION bump_policy_version();
-- a user's first sign-in (provisioning, no mode) changes nobody's routing: no bump
CREATE TRIGGER users_changed AFTER UPDATE OF execution_mode OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();
CREATE TRIGGER users_added AFTER INSERT ON users
  FOR EACH ROW WHEN (NEW.execution_mode IS NOT NULL) EXECUTE FUNCTION bump_policy_version();
-- a first assignment is what the hash says anyway (no bump); clearing a rollout re-derives buckets everywhere
CREATE TRIGGER canary_assignments_cleared AFTER DELETE OR TRUNCATE ON canary_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();

CREATE INDEX idx_audit_log_action_id ON audit_log(action, id);
