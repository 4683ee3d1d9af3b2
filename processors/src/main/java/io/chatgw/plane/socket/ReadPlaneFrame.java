package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneSender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * First step for every plane frame: only frames of a connection that is admitted and current; size
 * limit, JSON object with a {@code type} and no NUL, flood limit (frames other than valid sse_event/pong per second,
 * bad ones included: {@link FloodGuard}), and hello before anything else. Puts the parsed frame in property {@code planeFrame} and its type in header
 * {@code planeFrameType} for the route's choice.
 */
@Component("readPlaneFrame")
public class ReadPlaneFrame implements Processor {

    public static final String FRAME = "planeFrame";
    public static final String TYPE = "planeFrameType";

    private final ObjectMapper json;
    private final PlaneProperties config;
    private final PlaneSender sender;

    public ReadPlaneFrame(ObjectMapper json, PlaneProperties config, PlaneSender sender) {
        this.json = json;
        this.config = config;
        this.sender = sender;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        PlaneLink link = connection.link();
        if (link == null || !link.isCurrent(connection)) {
            exchange.setRouteStop(true); // not admitted, or replaced by a newer connection: ignored
            return;
        }
        exchange.setProperty(PlaneConnection.LINK, link);
        long arrived = exchange.getProperty(PlaneConnection.ARRIVED, System.nanoTime(), Long.class);
        String type;
        try {
            type = read(exchange);
        } catch (PlaneFrameException bad) {
            if (!flooding(exchange, connection, link, arrived)) { // a bad frame counts against the frame rate too
                throw bad;
            }
            return;
        }
        // events and pongs are the plane doing its job: they are paced by backpressure, not by this limit
        if (!"sse_event".equals(type) && !"pong".equals(type) && flooding(exchange, connection, link, arrived)) {
            return;
        }
        if (!link.isGreeted() && !"hello".equals(type)) {
            throw new PlaneFrameException("hello_required", "the first frame must be 'hello'");
        }
        if (!"pong".equals(type)) {
            link.active(); // a pong is no activity: a plane that only answers pings is idle (IdlePlanes)
        }
        exchange.getIn().setHeader(TYPE, type);
        sender.count(type, "in");
    }

    /** Over the frame rate: closes the socket (1008) and stops the route. */
    private boolean flooding(Exchange exchange, PlaneConnection connection, PlaneLink link, long arrived) {
        if (!link.flood().overFrameRate(arrived)) {
            return false;
        }
        connection.socket().close((short) 1008, "flooding: more than " + config.maxFramesPerSecond() + " frames per second");
        exchange.setRouteStop(true);
        return true;
    }

    /** Parses the frame into property {@value #FRAME} (as far as it is an object); returns its type. */
    private String read(Exchange exchange) {
        Parsed parsed = parse(exchange.getIn().getBody());
        if (parsed.frame() != null) {
            exchange.setProperty(FRAME, parsed.frame()); // the error frame can name the frame's type and id
        }
        if (parsed.refused() != null) {
            throw parsed.refused();
        }
        return parsed.type();
    }

    /**
     * What a plane's message is, as a protocol frame: a JSON object with a non-blank {@code type} and no NUL, within
     * max-frame-bytes; or why not ({@code refused}, the error frame's code and message; {@code frame} then holds the
     * object if it was one). No other outcome: any input whatsoever ends here (ReadPlaneFrameFuzzTest).
     */
    public record Parsed(JsonNode frame, String type, PlaneFrameException refused) {
        static Parsed refused(JsonNode frame, String code, String message) {
            return new Parsed(frame, null, new PlaneFrameException(code, message));
        }
    }

    /** Parses one message as the socket delivered it (String text, byte[] binary, or an oversized one's size). */
    public Parsed parse(Object body) {
        if (body instanceof PlaneFrameAssembler.OversizedFrame oversized) {
            return Parsed.refused(null, "frame_too_large", "frame of " + oversized.bytes() + " bytes exceeds "
                    + config.maxFrameBytes() + " bytes");
        }
        if (!(body instanceof String text)) {
            return Parsed.refused(null, "invalid_frame", "only JSON text frames are accepted");
        }
        if (text.length() > config.maxFrameBytes() / 4 && text.getBytes(StandardCharsets.UTF_8).length > config.maxFrameBytes()) {
            return Parsed.refused(null, "frame_too_large", "frame exceeds " + config.maxFrameBytes() + " bytes");
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (Exception e) {
            return Parsed.refused(null, "malformed_json", "frame is not valid JSON");
        }
        if (frame == null || !frame.isObject()) {
            return Parsed.refused(null, "invalid_frame", "frame must be a JSON object");
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isBlank()) {
            return Parsed.refused(frame, "missing_type", "frame has no 'type'");
        }
        // PostgreSQL cannot store U+0000 in text or jsonb: a frame carrying one is refused whole (unescaped, JSON forbids it)
        if (text.contains("\\u0000") && hasNul(frame)) {
            return Parsed.refused(frame, "invalid_frame", "strings must not contain U+0000 (NUL)");
        }
        return new Parsed(frame, typeNode.asText(), null);
    }

    private static boolean hasNul(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().indexOf('\0') >= 0;
        }
        for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().indexOf('\0') >= 0 || hasNul(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (hasNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A required text field of a frame. */
    public static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new PlaneFrameException("invalid_frame", "'" + field + "' must be a non-empty string");
        }
        return node.asText();
    }
}
