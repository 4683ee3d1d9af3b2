-- Issue 11: every usage and audit event leaves through one way (routes/events.yaml, docs/events.md).
-- The event's own row (usage_records / audit_log / plane_usage_reports) and its event_outbox row are written in
-- one transaction; the relay publishes the outbox in seq order and marks a row published only after Kafka acked it.
-- The event id is the idempotency key everywhere: a replayed event changes nothing.
CREATE TABLE event_outbox (
  seq          BIGSERIAL PRIMARY KEY,
  event_id     UUID NOT NULL UNIQUE,
  event_type   VARCHAR(20) NOT NULL CHECK (event_type IN ('usage', 'audit', 'plane_usage')),
  topic        VARCHAR(200) NOT NULL,
  event_key    VARCHAR(255),
  payload      TEXT NOT NULL,                 -- the event's JSON exactly as published
  occurred_at  TIMESTAMPTZ NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ
);
CREATE INDEX idx_event_outbox_unpublished ON event_outbox(seq) WHERE published_at IS NULL;
CREATE INDEX idx_event_outbox_published ON event_outbox(published_at) WHERE published_at IS NOT NULL;

-- audit rows carry their event id (NULL for rows written before this migration)
ALTER TABLE audit_log ADD COLUMN event_id UUID;
CREATE UNIQUE INDEX uq_audit_log_event ON audit_log(event_id);

-- usage_records.id is the event id from now on (deterministic: request id + attempt, docs/events.md)
ALTER TABLE usage_records ADD COLUMN estimated BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE usage_records DROP CONSTRAINT usage_records_status_check;
ALTER TABLE usage_records ADD CONSTRAINT usage_records_status_check
  CHECK (status IN ('completed', 'failed', 'client_disconnected', 'fallback', 'shadow'));

-- the execution planes' fire_and_forget usage reports, as the plane sent them (not billed: the turn's own
-- usage record carries the same tokens; kept for reconciliation)
CREATE TABLE plane_usage_reports (
  id          UUID PRIMARY KEY,              -- the event id
  vm_id       VARCHAR(255) NOT NULL,
  user_id     VARCHAR(128) NOT NULL,
  org_id      VARCHAR(128) NOT NULL,
  session_id  VARCHAR(64),
  request_id  VARCHAR(64),
  model       VARCHAR(100),
  tokens_in   BIGINT NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
  tokens_out  BIGINT NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
  data        JSONB NOT NULL DEFAULT '{}',
  occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_plane_usage_reports_request ON plane_usage_reports(request_id);
