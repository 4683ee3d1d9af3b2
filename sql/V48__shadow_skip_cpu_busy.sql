-- Shadow traffic (docs/shadow.md): a sample drawn while the machine's CPU is above gateway.shadow.max-cpu-load is
-- skipped and counted too (reason 'cpu_busy').
ALTER TABLE shadow_skips DROP CONSTRAINT shadow_skips_reason_check;
ALTER TABLE shadow_skips ADD CONSTRAINT shadow_skips_reason_check
  CHECK (reason IN ('cost_cap', 'pool_full', 'concurrency', 'route_stopped', 'cpu_busy'));
