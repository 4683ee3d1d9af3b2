-- Shadow traffic (docs/shadow.md): a sample drawn while ops have stopped or suspended the shadow-run route is skipped
-- and counted too (reason 'route_stopped').
ALTER TABLE shadow_skips DROP CONSTRAINT shadow_skips_reason_check;
ALTER TABLE shadow_skips ADD CONSTRAINT shadow_skips_reason_check
  CHECK (reason IN ('cost_cap', 'pool_full', 'concurrency', 'route_stopped'));
