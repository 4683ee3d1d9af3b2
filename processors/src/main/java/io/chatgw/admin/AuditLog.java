package io.chatgw.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Admin changes as {@code audit_log} rows: actor, action, target, and in details {@code before}, {@code after}, {@code reason}. */
@Component
public class AuditLog {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public AuditLog(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Writes one row (in the caller's transaction); returns its id. */
    public long record(String actor, String orgId, String action, String target, Object before, Object after,
                       String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", before);
        details.put("after", after);
        if (reason != null) {
            details.put("reason", reason);
        }
        try {
            return jdbc.queryForObject("""
                    INSERT INTO audit_log (actor, org_id, action, target, details)
                    VALUES (?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id""",
                    Long.class, actor, orgId, action, target, json.writeValueAsString(details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details not serializable", e);
        }
    }
}
