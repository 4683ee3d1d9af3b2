-- Core schema of the chat gateway.
-- Identity comes from the JWT (`sub`, `org`), so user and org ids are the identity provider's
-- strings; everything the gateway mints itself (sessions, records) is a UUID.

CREATE TABLE organizations (
  id             VARCHAR(128) PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._:@-]{1,128}$'),
  name           VARCHAR(200),
  -- NULL = no override: the user's mode / agent default / global default apply
  execution_mode VARCHAR(20) CHECK (execution_mode IN ('legacy', 'new', 'direct_llm')),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             VARCHAR(128) PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._:@-]{1,128}$'),
  org_id         VARCHAR(128) NOT NULL REFERENCES organizations(id),
  display_name   VARCHAR(200),
  -- NULL = no explicit mode for this user
  execution_mode VARCHAR(20) CHECK (execution_mode IN ('legacy', 'new', 'direct_llm')),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_users_org ON users(org_id);
CREATE INDEX idx_users_mode ON users(execution_mode) WHERE execution_mode IS NOT NULL;

CREATE TABLE agents (
  id                     VARCHAR(128) PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._:@-]{1,128}$'),
  name                   VARCHAR(200) NOT NULL,
  -- NULL = the agent has no preference
  default_execution_mode VARCHAR(20) CHECK (default_execution_mode IN ('legacy', 'new', 'direct_llm')),
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       VARCHAR(128) NOT NULL REFERENCES users(id),
  org_id        VARCHAR(128) NOT NULL REFERENCES organizations(id),
  agent_id      VARCHAR(128) REFERENCES agents(id),
  -- bumped each time the gateway (re)creates the session's relay, so event ids keep increasing across restarts
  relay_epoch   BIGINT NOT NULL DEFAULT 0 CHECK (relay_epoch >= 0),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_active_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_sessions_user ON sessions(user_id, created_at DESC);

-- Execution planes (one per user, shared by that user's sessions); columns after migration 015 of the seed.
CREATE TABLE user_vm_instances (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       VARCHAR(128) NOT NULL REFERENCES users(id),
  org_id        VARCHAR(128) NOT NULL REFERENCES organizations(id),
  mode          VARCHAR(20) NOT NULL CHECK (mode IN ('firecracker', 'docker', 'local')),
  status        VARCHAR(20) NOT NULL DEFAULT 'starting'
                CHECK (status IN ('starting', 'running', 'frozen', 'terminated')),
  vm_id         VARCHAR(255),
  disk_id       VARCHAR(255),
  ip_address    VARCHAR(45),
  config        JSONB NOT NULL DEFAULT '{}',
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  terminated_at TIMESTAMPTZ,
  CHECK ((status = 'terminated') = (terminated_at IS NOT NULL))
);
CREATE INDEX idx_user_vm_instances_user ON user_vm_instances(user_id);
CREATE INDEX idx_user_vm_instances_active ON user_vm_instances(status) WHERE status <> 'terminated';
-- at most one live instance per user
CREATE UNIQUE INDEX uq_user_vm_instances_live_user ON user_vm_instances(user_id) WHERE status <> 'terminated';

CREATE TABLE session_snapshots (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id         UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id            VARCHAR(128) NOT NULL REFERENCES users(id),
  org_id             VARCHAR(128) NOT NULL REFERENCES organizations(id),
  checkpoint         JSONB,
  short_term_memory  JSONB,
  conversation_state JSONB,
  file_manifest      JSONB,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_session_snapshots_latest ON session_snapshots(session_id, created_at DESC);

-- One row per chat turn that reached a path (seed migration 015 columns, plus path, request id, status).
CREATE TABLE usage_records (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id  UUID NOT NULL UNIQUE,
  session_id  UUID NOT NULL,
  user_id     VARCHAR(128) NOT NULL,
  org_id      VARCHAR(128) NOT NULL,
  path        VARCHAR(20) NOT NULL CHECK (path IN ('legacy', 'new', 'direct_llm')),
  status      VARCHAR(20) NOT NULL CHECK (status IN ('completed', 'failed')),
  model       VARCHAR(100),
  tokens_in   INTEGER NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
  tokens_out  INTEGER NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
  latency_ms  INTEGER CHECK (latency_ms >= 0),
  error_code  VARCHAR(64),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_usage_records_org ON usage_records(org_id, created_at);
CREATE INDEX idx_usage_records_user ON usage_records(user_id);
CREATE INDEX idx_usage_records_session ON usage_records(session_id);

CREATE TABLE audit_log (
  id          BIGSERIAL PRIMARY KEY,
  occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor       VARCHAR(128) NOT NULL,           -- user id, 'system', or 'vm:<vm_id>'
  org_id      VARCHAR(128),
  action      VARCHAR(64) NOT NULL,            -- e.g. 'session.created', 'policy.updated'
  target      VARCHAR(255),
  request_id  UUID,
  details     JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_audit_log_org_time ON audit_log(org_id, occurred_at);
CREATE INDEX idx_audit_log_actor_time ON audit_log(actor, occurred_at);

-- Runtime switches ops flip (global default mode now; canary / shadow percentages later).
CREATE TABLE route_policies (
  id             BIGSERIAL PRIMARY KEY,
  scope          VARCHAR(10) NOT NULL CHECK (scope IN ('global', 'org', 'user')),
  scope_id       VARCHAR(128),                 -- NULL for global
  execution_mode VARCHAR(20) CHECK (execution_mode IN ('legacy', 'new', 'direct_llm')),
  canary_percent SMALLINT NOT NULL DEFAULT 0 CHECK (canary_percent BETWEEN 0 AND 100),
  shadow_percent SMALLINT NOT NULL DEFAULT 0 CHECK (shadow_percent BETWEEN 0 AND 100),
  enabled        BOOLEAN NOT NULL DEFAULT true,
  updated_by     VARCHAR(128) NOT NULL DEFAULT 'system',
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((scope = 'global') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX uq_route_policies_scope ON route_policies(scope, COALESCE(scope_id, ''));
