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
 * limit, JSON object with a {@code type}, flood limit (frames other than sse_event/pong per second), and
 * hello before anything else. Puts the parsed frame in property {@code planeFrame} and its type in header
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
        Object body = exchange.getIn().getBody();
        if (body instanceof PlaneFrameAssembler.OversizedFrame oversized) {
            throw new PlaneFrameException("frame_too_large", "frame of " + oversized.bytes() + " bytes exceeds "
                    + config.maxFrameBytes() + " bytes");
        }
        if (!(body instanceof String text)) {
            throw new PlaneFrameException("invalid_frame", "only JSON text frames are accepted");
        }
        if (text.length() > config.maxFrameBytes() / 4 && text.getBytes(StandardCharsets.UTF_8).length > config.maxFrameBytes()) {
            throw new PlaneFrameException("frame_too_large", "frame exceeds " + config.maxFrameBytes() + " bytes");
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (Exception e) {
            throw new PlaneFrameException("malformed_json", "frame is not valid JSON");
        }
        if (frame == null || !frame.isObject()) {
            throw new PlaneFrameException("invalid_frame", "frame must be a JSON object");
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isBlank()) {
            throw new PlaneFrameException("missing_type", "frame has no 'type'");
        }
        String type = typeNode.asText();
        // events and pongs are the plane doing its job: they are paced by backpressure, not by this limit
        if (!"sse_event".equals(type) && !"pong".equals(type)
                && link.limits().overFrameRate(exchange.getProperty(PlaneConnection.ARRIVED, System.nanoTime(), Long.class),
                        config.maxFramesPerSecond())) {
            connection.socket().close((short) 1008, "flooding: more than " + config.maxFramesPerSecond() + " frames per second");
            exchange.setRouteStop(true);
            return;
        }
        if (!link.isGreeted() && !"hello".equals(type)) {
            throw new PlaneFrameException("hello_required", "the first frame must be 'hello'");
        }
        if (!"pong".equals(type)) {
            link.active(); // a pong is no activity: a plane that only answers pings is idle (IdlePlanes)
        }
        exchange.setProperty(FRAME, frame);
        exchange.getIn().setHeader(TYPE, type);
        sender.count(type, "in");
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
