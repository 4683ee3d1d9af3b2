package io.chatgw.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * First step for every plane frame: size limit, flood limit, JSON object with a {@code type}, and hello
 * before anything else. Puts the parsed frame in property {@code planeFrame} and its type in header
 * {@code planeFrameType} for the route's choice.
 */
@Component("readPlaneFrame")
public class ReadPlaneFrame implements Processor {

    public static final String FRAME = "planeFrame";
    public static final String TYPE = "planeFrameType";

    private final ObjectMapper json;
    private final PlaneProperties config;
    private final PlaneRegistry registry;

    public ReadPlaneFrame(ObjectMapper json, PlaneProperties config, PlaneRegistry registry) {
        this.json = json;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneSocketServer.LINK, PlaneLink.class);
        ServerWebSocket socket = exchange.getProperty(PlaneSocketServer.SOCKET, ServerWebSocket.class);
        if (overFrameRate(link)) {
            socket.close((short) 1008, "flooding: more than " + config.maxFramesPerSecond() + " frames per second");
            exchange.setRouteStop(true);
            return;
        }
        String text = exchange.getIn().getBody(String.class);
        if (text == null) {
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
        JsonNode type = frame.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new PlaneFrameException("missing_type", "frame has no 'type'");
        }
        boolean greeted;
        synchronized (link) {
            greeted = link.greeted;
        }
        if (!greeted && !"hello".equals(type.asText())) {
            throw new PlaneFrameException("hello_required", "the first frame must be 'hello'");
        }
        exchange.setProperty(FRAME, frame);
        exchange.getIn().setHeader(TYPE, type.asText());
        registry.count(type.asText(), "in");
    }

    private boolean overFrameRate(PlaneLink link) {
        long now = System.nanoTime();
        synchronized (link) {
            if (now - link.windowStartNanos > 1_000_000_000L) {
                link.windowStartNanos = now;
                link.framesInWindow = 0;
            }
            return ++link.framesInWindow > config.maxFramesPerSecond();
        }
    }

    /** A required text field of a frame. */
    static String text(JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new PlaneFrameException("invalid_frame", "'" + field + "' must be a non-empty string");
        }
        return node.asText();
    }
}
