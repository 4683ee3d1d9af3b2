package io.chatgw.events;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events into PostgreSQL: each event's own row ({@code usage_records}, {@code audit_log},
 * {@code plane_usage_reports}, {@code shadow_comparisons}) and its {@code event_outbox} row (none for a shadow
 * comparison: it is not published), a batch in one transaction. Every insert skips an event id (for a comparison: its
 * shadow request id) it already has, so a replayed batch changes nothing. A shadow run's usage record leaves the
 * session's {@code last_active_at} alone: only the user's own turns are activity.
 */
public final class EventStore {

    private static final String USAGE = """
            WITH touched AS (UPDATE sessions SET last_active_at = now() WHERE id = ?::uuid)
            INSERT INTO usage_records (id, request_id, attempt, session_id, user_id, org_id, path, fallback_from,
              fell_back, status, model, tokens_in, tokens_out, latency_ms, error_code, estimated, created_at, ttft_ms,
              invalid_reason)
            VALUES (?::uuid, ?::uuid, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String AUDIT = """
            INSERT INTO audit_log (event_id, occurred_at, actor, org_id, action, target, request_id, details)
            VALUES (?::uuid, ?, ?, ?, ?, ?, ?::uuid, ?::jsonb) ON CONFLICT (event_id) DO NOTHING""";
    private static final String PLANE_USAGE = """
            INSERT INTO plane_usage_reports (id, vm_id, user_id, org_id, session_id, request_id, model, tokens_in,
              tokens_out, data, occurred_at, invalid_reason) VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String SHADOW_COMPARISON = """
            INSERT INTO shadow_comparisons (primary_request_id, shadow_request_id, kind, org_id, user_id, session_id,
              primary_path, shadow_path, primary_status, primary_error_code, shadow_status, shadow_error_code,
              both_completed, diverged, divergences, text_similarity, primary_ttfe_ms, shadow_ttfe_ms,
              primary_duration_ms, shadow_duration_ms, primary_events, shadow_events, details, created_at)
            VALUES (?::uuid, ?::uuid, ?, ?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb,
              ?::jsonb, ?) ON CONFLICT (shadow_request_id) DO NOTHING""";
    private static final String OUTBOX = """
            INSERT INTO event_outbox (event_id, event_type, topic, event_key, payload, occurred_at)
            VALUES (?::uuid, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventJson json;
    private final String usageTopic;
    private final String auditTopic;

    public EventStore(JdbcTemplate jdbc, TransactionTemplate tx, EventJson json, String usageTopic, String auditTopic) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.usageTopic = usageTopic;
        this.auditTopic = auditTopic;
    }

    /**
     * The batch's rows and outbox rows in one transaction, outbox rows in the batch's order. Called inside a
     * transaction (a business change audited with it, e.g. the monitor's trips), it joins that transaction.
     */
    public void write(List<Event> events) {
        List<Object[]> usage = new ArrayList<>();
        List<Object[]> audit = new ArrayList<>();
        List<Object[]> plane = new ArrayList<>();
        List<Object[]> comparisons = new ArrayList<>();
        List<Object[]> outbox = new ArrayList<>(events.size());
        for (Event e : events) {
            Timestamp at = Timestamp.from(e.occurredAt());
            switch (e.type()) {
                case Event.USAGE -> usage.add(new Object[] {"shadow".equals(e.text("status")) ? null : e.text("sessionId"), e.id().toString(), e.text("requestId"),
                        number(e, "attempt", 1), e.text("sessionId"), e.text("userId"), e.text("orgId"), e.text("path"),
                        e.text("fallbackFrom"), bool(e, "fellBack"), e.text("status"), e.text("model"),
                        number(e, "tokensIn", 0), number(e, "tokensOut", 0), number(e, "latencyMs", 0),
                        e.text("errorCode"), bool(e, "estimated"), at,
                        integer(e, "ttftMs"), e.text("invalidReason")});
                case Event.AUDIT -> audit.add(new Object[] {e.id().toString(), at, e.text("actor"), e.text("orgId"),
                        e.text("action"), e.text("target"), e.text("requestId"), json.value(e.data().get("details"))});
                case Event.SHADOW_COMPARISON -> comparisons.add(comparison(e, at));
                default -> plane.add(new Object[] {e.id().toString(), e.text("vmId"), e.text("userId"), e.text("orgId"),
                        e.text("sessionId"), e.text("requestId"), e.text("model"), longOf(e, "tokensIn"),
                        longOf(e, "tokensOut"), json.value(e.data().get("report")), at, e.text("invalidReason")});
            }
            if (e.published()) {
                outbox.add(new Object[] {e.id().toString(), e.type(), topic(e), e.key(), json.write(e), at});
            }
        }
        tx.executeWithoutResult(status -> {
            if (!usage.isEmpty()) {
                jdbc.batchUpdate(USAGE, usage);
            }
            if (!audit.isEmpty()) {
                jdbc.batchUpdate(AUDIT, audit);
            }
            if (!plane.isEmpty()) {
                jdbc.batchUpdate(PLANE_USAGE, plane);
            }
            if (!comparisons.isEmpty()) {
                jdbc.batchUpdate(SHADOW_COMPARISON, comparisons);
            }
            if (!outbox.isEmpty()) {
                jdbc.batchUpdate(OUTBOX, outbox);
            }
        });
    }

    /** A shadow_comparisons row from the event (fields named like its columns, camelCase), created when it was compared. */
    private Object[] comparison(Event e, Timestamp at) {
        Map<String, Object> d = e.data();
        return new Object[] {e.text("primaryRequestId"), e.text("shadowRequestId"), e.text("kind"), e.text("orgId"),
                e.text("userId"), e.text("sessionId"), e.text("primaryPath"), e.text("shadowPath"), e.text("primaryStatus"),
                e.text("primaryErrorCode"), e.text("shadowStatus"), e.text("shadowErrorCode"), bool(e, "bothCompleted"),
                bool(e, "diverged"), json.value(d.getOrDefault("divergences", List.of())),
                d.get("textSimilarity") instanceof Number n ? n.doubleValue() : null, integer(e, "primaryTtfeMs"),
                integer(e, "shadowTtfeMs"), number(e, "primaryDurationMs", 0), number(e, "shadowDurationMs", 0),
                json.value(d.get("primaryEvents")), json.value(d.get("shadowEvents")), json.value(d.get("details")), at};
    }

    public String topic(Event e) {
        return Event.AUDIT.equals(e.type()) ? auditTopic : usageTopic;
    }

    /**
     * True when a failure means PostgreSQL cannot be reached or is overloaded (keep the events, retry later),
     * false when it rejected the events themselves (a constraint, a bad value).
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // a commit or rollback that failed, or a connection that broke mid-statement: PostgreSQL went away during
            // the transaction (the driver may even fail with an AssertionError then), never a verdict on the events
            if (t instanceof org.springframework.transaction.TransactionSystemException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException) {
                return true;
            }
            if (t instanceof CannotGetJdbcConnectionException || t instanceof TransientDataAccessException
                    || t instanceof QueryTimeoutException || t instanceof java.net.ConnectException
                    || t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("58")
                        || state.startsWith("40")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int number(Event e, String field, int otherwise) {
        return e.data().get(field) instanceof Number n ? n.intValue() : otherwise;
    }

    private static Integer integer(Event e, String field) {
        return e.data().get(field) instanceof Number n ? n.intValue() : null;
    }

    private static long longOf(Event e, String field) {
        return e.data().get(field) instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }

    private static boolean bool(Event e, String field) {
        return Boolean.TRUE.equals(e.data().get(field)) || "true".equals(String.valueOf(e.data().get(field)));
    }

}
