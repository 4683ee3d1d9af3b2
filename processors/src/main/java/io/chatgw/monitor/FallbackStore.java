package io.chatgw.monitor;

import io.chatgw.events.Audit;
import io.chatgw.events.EventJson;
import io.chatgw.events.EventStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExecutionMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tripped state in PostgreSQL (sql/V6__runtime_fallbacks.sql): every change is one transaction that changes
 * {@code runtime_fallbacks}, writes its audit event (audit_log and event_outbox rows), bumps {@code runtime_fallback_version} and sends
 * {@code NOTIFY runtime_fallbacks, '<version>'} (delivered at commit) so the other instances reload.
 */
public class FallbackStore {

    public static final String CHANNEL = "runtime_fallbacks";
    private static final String COLUMNS = "id, scope, org_id, path, threshold, tripped_at, tripped_by, figures::text AS figures";

    /** The state as loaded: its version and the trips in force. */
    public record State(long version, List<Trip> trips) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;

    private final EventStore events;

    /** Audit events written with the default topics (tests, tools). */
    public FallbackStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json) {
        this(jdbc, tx, json, new EventStore(jdbc, tx, new EventJson(), "gateway.usage", "gateway.audit"));
    }

    /**
     * @param events writes each change's audit event (its audit_log row and outbox row) inside the change's own
     *               transaction: the trip and its audit record commit together (docs/events.md)
     */
    public FallbackStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, EventStore events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.events = events;
    }

    public long version() {
        return jdbc.queryForObject("SELECT version FROM runtime_fallback_version", Long.class);
    }

    /** Whether {@code orgId} is an org the gateway knows (organizations). */
    public boolean orgExists(String orgId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)",
                Boolean.class, orgId));
    }

    public State load() {
        return tx.execute(status -> new State(version(),
                jdbc.query("SELECT " + COLUMNS + " FROM runtime_fallbacks ORDER BY id", this::row)));
    }

    /** Stores a trip unless one is already in force for its key (another instance's). @return whether it was new */
    public boolean insert(Trip trip) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            List<Long> ids = jdbc.queryForList("""
                    INSERT INTO runtime_fallbacks (scope, org_id, path, threshold, tripped_at, tripped_by, figures)
                    VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (scope, org_id, path) DO NOTHING RETURNING id""",
                    Long.class, trip.scope(), trip.orgId(), trip.path().wire(), trip.threshold(),
                    Timestamp.from(trip.since()), trip.trippedBy(), write(trip.figures()));
            if (ids.isEmpty()) {
                return false;
            }
            audit("system", trip, "runtime_fallback.tripped", Map.of());
            bumpVersion();
            return true;
        }));
    }

    /** Ends the trips of one key's org ({@code ""} = the global ones), of one path or all; audited as {@code actor}'s. */
    public List<Trip> reset(String orgId, Optional<ExecutionMode> path, String actor, String actorOrg) {
        return tx.execute(status -> {
            List<Trip> ended = jdbc.query("DELETE FROM runtime_fallbacks WHERE org_id = ? AND (?::text IS NULL OR path = ?)"
                            + " RETURNING " + COLUMNS, this::row, orgId,
                    path.map(ExecutionMode::wire).orElse(null), path.map(ExecutionMode::wire).orElse(null));
            ended.forEach(t -> audit(actor, t, "runtime_fallback.reset", Map.of("actor_org_id", String.valueOf(actorOrg))));
            if (!ended.isEmpty()) {
                bumpVersion();
            }
            return ended;
        });
    }

    /** Half-open probes succeeded: ends {@code trip} if it is still the one in force. */
    public boolean restore(Trip trip, WindowFigures probes) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int changed = jdbc.update("DELETE FROM runtime_fallbacks WHERE id = ? AND tripped_at = ?",
                    trip.id(), Timestamp.from(trip.since()));
            if (changed == 0) {
                return false;
            }
            audit("system", trip, "runtime_fallback.restored", Map.of("probes", probes.toJson()));
            bumpVersion();
            return true;
        }));
    }

    /** Half-open probes failed: the trip starts again at {@code since} (a new cool-down) with the probes' figures. */
    public boolean retrip(Trip trip, Instant since, String threshold, Map<String, Object> figures) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int changed = jdbc.update("""
                    UPDATE runtime_fallbacks SET tripped_at = ?, threshold = ?, figures = ?::jsonb
                    WHERE id = ? AND tripped_at = ?""",
                    Timestamp.from(since), threshold, write(figures), trip.id(), Timestamp.from(trip.since()));
            if (changed == 0) {
                return false;
            }
            audit("system", trip, "runtime_fallback.probe_failed", Map.of("threshold", threshold, "probes", figures));
            bumpVersion();
            return true;
        }));
    }

    private void audit(String actor, Trip trip, String action, Map<String, Object> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", trip.scope());
        details.put("path", trip.path().wire());
        details.put("threshold", trip.threshold());
        details.put("since", trip.since().toString());
        details.put("tripped_by", trip.trippedBy());
        details.put("figures", trip.figures());
        details.putAll(extra);
        events.write(List.of(Audit.of(actor, trip.orgId().isEmpty() ? null : trip.orgId(), action, trip.key().describe(),
                details)));
    }

    private void bumpVersion() {
        Long version = jdbc.queryForObject(
                "UPDATE runtime_fallback_version SET version = version + 1 RETURNING version", Long.class);
        jdbc.queryForList("SELECT pg_notify(?, ?)", CHANNEL, String.valueOf(version));
    }

    private Trip row(ResultSet rs, int i) throws SQLException {
        try {
            return new Trip(rs.getLong("id"), rs.getString("scope"), rs.getString("org_id"),
                    ExecutionMode.parse(rs.getString("path")).orElseThrow(), rs.getString("threshold"),
                    rs.getTimestamp("tripped_at").toInstant(), rs.getString("tripped_by"),
                    json.readValue(rs.getString("figures"), new TypeReference<Map<String, Object>>() { }));
        } catch (JsonProcessingException e) {
            throw new SQLException("runtime_fallbacks.figures of row " + rs.getLong("id") + " is not JSON", e);
        }
    }

    private String write(Map<String, Object> value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("figures are not serializable", e);
        }
    }
}
