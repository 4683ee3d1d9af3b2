package io.chatgw.admin;

import io.chatgw.events.Audit;
import io.chatgw.events.Event;
import io.chatgw.events.EventStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Admin changes as audit events: actor, action, target, and in details {@code before}, {@code after},
 * {@code reason}. Written by the events' writer (EventStore: the audit_log row and its outbox row, relayed to
 * {@code gateway.audit}; docs/events.md) in the caller's transaction, so the change and its record commit together.
 */
@Component
public class AuditLog {

    private final JdbcTemplate jdbc;
    private final EventStore events;

    public AuditLog(JdbcTemplate jdbc, EventStore events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Writes one audit event (in the caller's transaction); returns its audit_log id. */
    public long record(String actor, String orgId, String action, String target, Object before, Object after,
                       String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", before);
        details.put("after", after);
        if (reason != null) {
            details.put("reason", reason);
        }
        Event event = Audit.of(actor, orgId, action, target, details);
        events.write(List.of(event));
        Long id = jdbc.queryForObject("SELECT id FROM audit_log WHERE event_id = ?::uuid", Long.class, event.id().toString());
        return id == null ? -1 : id;
    }
}
