-- One usage record per path run of a turn (docs/resilience.md): the answering run, and a run that failed before
-- its first event and was replaced by a fallback path (fell_back = true, with whatever tokens it reported).
-- The answering run names the path it replaced in fallback_from. Billing sums every row: each run's tokens are its own.
ALTER TABLE usage_records
  ADD COLUMN attempt       SMALLINT NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  ADD COLUMN fallback_from VARCHAR(20) CHECK (fallback_from IN ('legacy', 'new', 'direct_llm')),
  ADD COLUMN fell_back     BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE usage_records DROP CONSTRAINT usage_records_request_id_key;
ALTER TABLE usage_records ADD CONSTRAINT usage_records_request_attempt_key UNIQUE (request_id, attempt);
