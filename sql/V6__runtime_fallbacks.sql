-- The runtime monitor's automatic fallbacks in force (docs/resilience.md, "Runtime monitor"). Each gateway
-- instance keeps its own sliding windows in memory; what tripped lives here, so every instance routes alike.
-- A row = traffic of `path` (of one org, or of every org for scope 'global') goes to its fallback target.
-- Ended (ops reset, or restored after a successful half-open probe) = the row is deleted (audit_log keeps it).
CREATE TABLE runtime_fallbacks (
  id          BIGSERIAL PRIMARY KEY,
  scope       VARCHAR(10) NOT NULL CHECK (scope IN ('global', 'org')),
  org_id      VARCHAR(128) NOT NULL DEFAULT '',       -- '' for scope 'global'
  path        VARCHAR(20) NOT NULL CHECK (path IN ('legacy', 'new', 'direct_llm')),
  threshold   VARCHAR(20) NOT NULL CHECK (threshold IN ('error_rate', 'timeout_rate', 'latency')),
  tripped_at  TIMESTAMPTZ NOT NULL,                   -- start of the trip (and of its cool-down)
  tripped_by  VARCHAR(128) NOT NULL,                  -- the gateway instance whose window tripped
  figures     JSONB NOT NULL DEFAULT '{}',            -- the window's figures at trip time
  CHECK ((scope = 'global') = (org_id = '')),
  UNIQUE (scope, org_id, path)
);

-- One row: bumped by every change of runtime_fallbacks, and sent with NOTIFY runtime_fallbacks as a wake-up;
-- instances compare it with the version they loaded (and poll it as the safety net).
CREATE TABLE runtime_fallback_version (
  id      BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
  version BIGINT NOT NULL
);
INSERT INTO runtime_fallback_version (id, version) VALUES (true, 0);
