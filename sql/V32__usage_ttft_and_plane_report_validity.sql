-- Time to first token of each path run (ms from the run's start to its first streamed event; NULL when it streamed
-- nothing), as issue 11 lists it for every usage record.
ALTER TABLE usage_records ADD COLUMN ttft_ms INTEGER CHECK (ttft_ms >= 0);

-- A plane's fire_and_forget usage report that breaks a rule of docs/protocol.md is kept, marked with the reason
-- (its token columns then hold only the values that were valid, 0 for the others; `data` keeps what was sent).
ALTER TABLE plane_usage_reports ADD COLUMN invalid_reason VARCHAR(200);
