-- Daily usage per org, user, model and path for billing queries (docs/events.md); shadow runs excluded.
-- Refreshed by routes/events.yaml (usage-daily-refresh, gateway.events.daily-refresh-interval); CONCURRENTLY needs
-- the unique index.
CREATE MATERIALIZED VIEW usage_daily AS
SELECT (created_at AT TIME ZONE 'UTC')::date AS day, org_id, user_id, coalesce(model, '') AS model, path,
       count(*) AS calls, sum(tokens_in)::bigint AS tokens_in, sum(tokens_out)::bigint AS tokens_out,
       count(*) FILTER (WHERE status = 'failed') AS failed_calls
FROM usage_records
WHERE status <> 'shadow'
GROUP BY 1, 2, 3, 4, 5;
CREATE UNIQUE INDEX uq_usage_daily ON usage_daily(day, org_id, user_id, model, path);
