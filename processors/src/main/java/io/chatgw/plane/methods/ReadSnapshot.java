package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** snapshot: only for a session of the plane's user; the body is the session_snapshots row to store. */
@Component("readSnapshot")
public class ReadSnapshot implements Processor {

    private final JdbcTemplate jdbc;
    private final PlaneProperties config;

    public ReadSnapshot(JdbcTemplate jdbc, PlaneProperties config) {
        this.jdbc = jdbc;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        String sessionId = ReadPlaneFrame.text(frame, "session_id");
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            throw new PlaneFrameException("foreign_session", "session " + sessionId + " is not this plane's user's");
        }
        List<String> owner = jdbc.queryForList("SELECT user_id FROM sessions WHERE id = ?", String.class, id);
        if (!owner.contains(link.userId())) {
            throw new PlaneFrameException("foreign_session", "session " + sessionId + " is not this plane's user's");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("sessionId", id);
        row.put("userId", link.userId());
        row.put("orgId", link.orgId());
        row.put("checkpoint", jsonOrNull(frame, "checkpoint"));
        row.put("shortTermMemory", jsonOrNull(frame, "short_term_memory"));
        row.put("conversationState", jsonOrNull(frame, "conversation_state"));
        row.put("fileManifest", jsonOrNull(frame, "file_manifest"));
        row.put("keep", config.snapshotsKept());
        exchange.getMessage().setBody(row);
    }

    private static String jsonOrNull(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node == null || node.isNull() ? null : node.toString();
    }
}
