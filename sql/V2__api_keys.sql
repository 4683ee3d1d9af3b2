-- API keys for SDK users of the OpenAI-compatible endpoint (docs/openai-api.md).
-- A key is `sk-gw-` + 43 random base64url characters (256 bits), shown once when created; only its
-- SHA-256 is stored. A key acts as the user it is bound to (and that user's org), with no roles.

CREATE TABLE api_keys (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      VARCHAR(128) NOT NULL REFERENCES users(id),
  org_id       VARCHAR(128) NOT NULL REFERENCES organizations(id),
  name         VARCHAR(200) NOT NULL CHECK (length(btrim(name)) > 0),
  -- hex SHA-256 of the whole key; the key itself is never stored
  key_hash     CHAR(64) NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  -- the first characters of the key (e.g. `sk-gw-AbC4`), so people can tell their keys apart in a list
  key_prefix   VARCHAR(16) NOT NULL,
  created_by   VARCHAR(128) NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ,
  revoked_by   VARCHAR(128),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX idx_api_keys_user ON api_keys(user_id, created_at DESC);

-- Sessions named by the OpenAI request's `user` field: one gateway session per (user, alias).
CREATE TABLE session_aliases (
  user_id    VARCHAR(128) NOT NULL REFERENCES users(id),
  alias      VARCHAR(256) NOT NULL CHECK (length(alias) > 0),
  session_id UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, alias)
);
