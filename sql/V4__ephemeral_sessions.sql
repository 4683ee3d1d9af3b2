-- Sessions made for a single OpenAI-compatible request (no X-Session-Id, no `user`): nobody continues them,
-- so the expire-ephemeral-sessions route (routes/openai.yaml) deletes them once unused for
-- gateway.openai.ephemeral-sessions.retention. usage_records keep their rows (no foreign key to sessions).
ALTER TABLE sessions ADD COLUMN ephemeral BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX idx_sessions_ephemeral_last_active ON sessions(last_active_at) WHERE ephemeral;
