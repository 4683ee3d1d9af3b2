package io.chatgw.plane.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Frames to planes: serialized, sent if the plane is connected and greeted, and counted. Downlink frames
 * and responses are held (bounded, with a TTL) for redelivery after the plane's next hello.
 */
@Component
public class PlaneSender {

    /** Every frame type of the protocol, both directions (docs/protocol.md). */
    public static final java.util.Set<String> FRAME_TYPES = java.util.Set.of("hello", "sse_event", "request",
            "fire_and_forget", "snapshot", "pong", "welcome", "user_message", "cancel", "response", "ack", "ping", "token",
            "error");

    private final ObjectMapper json;
    private final MeterRegistry meters;
    /** gateway.plane.frames by direction and type, built once each (counted for every frame in and out). */
    private final Map<String, Counter> frameCounters = new ConcurrentHashMap<>();

    public PlaneSender(ObjectMapper json, MeterRegistry meters) {
        this.json = json;
        this.meters = meters;
    }

    /** Sends a frame now if the plane is connected and greeted; returns false otherwise. */
    public boolean sendNow(PlaneLink link, Map<String, Object> frame) {
        if (!link.sendIfLive(write(frame))) {
            return false;
        }
        count(String.valueOf(frame.get("type")), "out");
        return true;
    }

    /**
     * Sends {@code {"type":"ack","session_id":...,"seq":...}} now if the plane is live: the frame every accepted event
     * is answered with, written without building a map or walking it with Jackson (the id is escaped as Jackson
     * would: {@link #ackFrame}).
     */
    public boolean ack(PlaneLink link, String sessionId, long seq) {
        if (!link.sendIfLive(ackFrame(sessionId, seq))) {
            return false;
        }
        count("ack", "out");
        return true;
    }

    /** The ack frame's text: the same JSON {@code write} makes of a map of type, session_id and seq, in that order. */
    static String ackFrame(String sessionId, long seq) {
        char[] quoted = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(sessionId);
        return new StringBuilder(48 + quoted.length).append("{\"type\":\"ack\",\"session_id\":\"").append(quoted)
                .append("\",\"seq\":").append(seq).append('}').toString();
    }

    /** Sends a frame to this socket, attached and greeted or not (error frames). */
    public void sendRaw(ServerWebSocket socket, Map<String, Object> frame) {
        socket.writeTextMessage(write(frame));
        count(String.valueOf(frame.get("type")), "out");
    }

    /** A response: sent now, or held (bounded, with a TTL) until the plane is back. */
    public void respond(PlaneLink link, Map<String, Object> response) {
        if (link.respond(write(response))) {
            count("response", "out");
        }
    }

    /**
     * Counts a frame in {@code gateway.plane.frames}. Only the protocol's frame types (docs/protocol.md) are tag values:
     * any other type a plane sends counts as {@value io.chatgw.metrics.BoundedTagValues#OTHER}, so invented types
     * cannot create series.
     */
    public void count(String type, String direction) {
        String tag = FRAME_TYPES.contains(type) ? type : io.chatgw.metrics.BoundedTagValues.OTHER;
        frameCounters.computeIfAbsent(direction + ' ' + tag, key -> Counter.builder("gateway.plane.frames")
                .description("execution-plane frames by type and direction")
                .tag("type", tag).tag("direction", direction).register(meters)).increment();
    }

    public String write(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
