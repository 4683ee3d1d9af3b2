package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * snapshot: the body becomes the session_snapshots row to store. Whether the session is the plane's user's is
 * decided by the store itself (routes/plane.yaml's store-snapshot inserts only for a session of that user), off
 * the frame sequence.
 */
@Component("readSnapshot")
public class ReadSnapshot implements Processor {

    private final PlaneProperties config;

    public ReadSnapshot(PlaneProperties config) {
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
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("sessionId", id);
        row.put("userId", link.userId());
        row.put("orgId", link.orgId());
        row.put("checkpoint", jsonOrNull(frame, "checkpoint"));
        row.put("shortTermMemory", jsonOrNull(frame, "short_term_memory"));
        row.put("conversationState", jsonOrNull(frame, "conversation_state"));
        row.put("fileManifest", jsonOrNull(frame, "file_manifest"));
        row.put("keepBefore", Math.max(0, config.snapshotsKept() - 1)); // the newest before this one that stay
        exchange.getMessage().setBody(row);
    }

    private static String jsonOrNull(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        return node == null || node.isNull() ? null : node.toString();
    }
}
