-- Shadow traffic (issue 12, docs/shadow.md): a sample of real requests also runs on another path in the
-- background; the two answers are compared and stored here. Settings live in the policy model: a shadow
-- percentage and a target path globally and per org (route_policies), optionally per agent (agents).

-- An org row of route_policies may now carry only a shadow setting: its canary_percent is NULL then (the org has
-- no canary of its own; the global one applies), and a NULL shadow_percent means "no shadow setting of its own".
ALTER TABLE route_policies ALTER COLUMN canary_percent DROP NOT NULL;
ALTER TABLE route_policies ALTER COLUMN canary_percent DROP DEFAULT;
ALTER TABLE route_policies ALTER COLUMN shadow_percent DROP NOT NULL;
ALTER TABLE route_policies ALTER COLUMN shadow_percent DROP DEFAULT;
UPDATE route_policies SET shadow_percent = NULL WHERE scope = 'org' AND shadow_percent = 0;
UPDATE route_policies SET canary_percent = 0 WHERE scope = 'global' AND canary_percent IS NULL;
ALTER TABLE route_policies ADD COLUMN shadow_path VARCHAR(20) CHECK (shadow_path IN ('legacy', 'new', 'direct_llm'));
-- a percentage above 0 needs a target
ALTER TABLE route_policies ADD CONSTRAINT route_policies_shadow_target
  CHECK (coalesce(shadow_percent, 0) = 0 OR shadow_path IS NOT NULL);

ALTER TABLE agents
  ADD COLUMN shadow_percent SMALLINT CHECK (shadow_percent BETWEEN 0 AND 100),
  ADD COLUMN shadow_path    VARCHAR(20) CHECK (shadow_path IN ('legacy', 'new', 'direct_llm')),
  ADD CONSTRAINT agents_shadow_target CHECK (coalesce(shadow_percent, 0) = 0 OR shadow_path IS NOT NULL);
-- an agent's shadow setting is a routing input: every gateway re-reads the policy snapshot (migration V8)
CREATE TRIGGER agents_shadow_changed AFTER UPDATE OF shadow_percent, shadow_path ON agents
  FOR EACH STATEMENT EXECUTE FUNCTION bump_policy_version();

-- One row per compared pair: the primary answer the client got and the shadow's (kind 'shadow'), or the primary
-- path run twice (kind 'noise': the noise floor). Divergence kinds in `divergences` (a JSON array of names);
-- the content kinds are only compared when both sides completed (`both_completed`).
CREATE TABLE shadow_comparisons (
  id                  BIGSERIAL PRIMARY KEY,
  primary_request_id  UUID NOT NULL,
  shadow_request_id   UUID NOT NULL UNIQUE,
  kind                VARCHAR(10) NOT NULL CHECK (kind IN ('shadow', 'noise')),
  org_id              VARCHAR(128) NOT NULL,
  user_id             VARCHAR(128) NOT NULL,
  session_id          UUID NOT NULL,
  primary_path        VARCHAR(20) NOT NULL CHECK (primary_path IN ('legacy', 'new', 'direct_llm')),
  shadow_path         VARCHAR(20) NOT NULL CHECK (shadow_path IN ('legacy', 'new', 'direct_llm')),
  primary_status      VARCHAR(20) NOT NULL CHECK (primary_status IN ('completed', 'failed')),
  primary_error_code  VARCHAR(64),
  shadow_status       VARCHAR(20) NOT NULL CHECK (shadow_status IN ('completed', 'failed')),
  shadow_error_code   VARCHAR(64),
  both_completed      BOOLEAN NOT NULL,
  diverged            BOOLEAN NOT NULL,
  divergences         JSONB NOT NULL DEFAULT '[]',
  text_similarity     REAL CHECK (text_similarity BETWEEN 0 AND 1),
  primary_ttfe_ms     INTEGER,
  shadow_ttfe_ms      INTEGER,
  primary_duration_ms INTEGER NOT NULL,
  shadow_duration_ms  INTEGER NOT NULL,
  primary_events      JSONB NOT NULL,   -- {sequence: event types, events: the first stored-events ({type, ...}, texts joined), count}
  shadow_events       JSONB NOT NULL,
  details             JSONB NOT NULL DEFAULT '{}',  -- per diverged kind: what each side had
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_shadow_comparisons_org_time ON shadow_comparisons(org_id, created_at);
CREATE INDEX idx_shadow_comparisons_diverged ON shadow_comparisons(id) WHERE diverged;

-- Samples that were drawn but not run (cost cap, pool full, concurrency limit), counted per minute in memory and
-- added here by the shadow-skips-flush timer (routes/shadow.yaml): never a write on a request's thread.
CREATE TABLE shadow_skips (
  minute       TIMESTAMPTZ NOT NULL,
  org_id       VARCHAR(128) NOT NULL,
  primary_path VARCHAR(20) NOT NULL,
  shadow_path  VARCHAR(20) NOT NULL,
  reason       VARCHAR(20) NOT NULL CHECK (reason IN ('cost_cap', 'pool_full', 'concurrency')),
  skipped      INTEGER NOT NULL CHECK (skipped >= 0),
  PRIMARY KEY (minute, org_id, primary_path, shadow_path, reason)
);
