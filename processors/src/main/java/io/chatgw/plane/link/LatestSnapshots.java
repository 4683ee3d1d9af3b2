package io.chatgw.plane.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The latest {@code session_snapshots} row of sessions whose turns wait for a plane to come back: the welcome hands
 * them to a replacement, which restores a session from it when its data is gone (docs/protocol.md). Read only on
 * such a hello; without PostgreSQL the welcome goes without them (the turns still resume).
 */
@Component
public class LatestSnapshots {

    private static final Logger log = LoggerFactory.getLogger(LatestSnapshots.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public LatestSnapshots(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Per session id (of {@code userId}'s), its latest snapshot: checkpoint, short_term_memory, conversation_state. */
    public Map<String, Object> of(String userId, List<String> sessionIds) {
        Map<String, Object> snapshots = new LinkedHashMap<>();
        for (String sessionId : sessionIds) {
            try {
                jdbc.query("""
                        SELECT checkpoint::text, short_term_memory::text, conversation_state::text FROM session_snapshots
                        WHERE session_id = ?::uuid AND user_id = ? ORDER BY created_at DESC LIMIT 1""", rs -> {
                    Map<String, Object> snapshot = new LinkedHashMap<>();
                    snapshot.put("checkpoint", tree(rs.getString(1)));
                    snapshot.put("short_term_memory", tree(rs.getString(2)));
                    snapshot.put("conversation_state", tree(rs.getString(3)));
                    snapshots.put(sessionId, snapshot);
                }, sessionId, userId);
            } catch (RuntimeException e) {
                log.warn("no snapshot of session {} for a welcome: {}", sessionId, e.getMessage());
            }
        }
        return snapshots;
    }

    private Object tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
