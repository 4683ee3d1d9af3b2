package io.chatgw.plane;

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

    private final ObjectMapper json;
    private final PlaneProperties config;
    private final MeterRegistry meters;
    /** gateway.plane.frames by direction and type, built once each (counted for every frame in and out). */
    private final Map<String, Counter> frameCounters = new ConcurrentHashMap<>();

    public PlaneSender(ObjectMapper json, PlaneProperties config, MeterRegistry meters) {
        this.json = json;
        this.config = config;
        this.meters = meters;
    }

    /** Sends a frame now if the plane is connected and greeted; returns false otherwise. */
    boolean sendNow(PlaneLink link, Map<String, Object> frame) {
        String text = write(frame);
        synchronized (link) {
            if (!link.isLive()) {
                return false;
            }
            link.socket().writeTextMessage(text);
        }
        count(String.valueOf(frame.get("type")), "out");
        return true;
    }

    /** Sends a frame to this socket, attached and greeted or not (error frames). */
    void sendRaw(ServerWebSocket socket, Map<String, Object> frame) {
        socket.writeTextMessage(write(frame));
        count(String.valueOf(frame.get("type")), "out");
    }

    /** A response: sent now, or held (bounded, with a TTL) until the plane is back. */
    void respond(PlaneLink link, Map<String, Object> response) {
        String text = write(response);
        synchronized (link) {
            if (link.isLive()) {
                link.socket().writeTextMessage(text);
            } else if (!link.dead) {
                prune(link);
                if (link.heldResponses.size() >= config.holdMax()) {
                    link.heldResponses.removeFirst();
                }
                link.heldResponses.addLast(new PlaneLink.Held(0, null, text, System.nanoTime()));
                return;
            } else {
                return;
            }
        }
        count("response", "out");
    }

    /** A downlink frame (caller holds the link's monitor): held until its turn ends, and sent now if possible. */
    void sendDownlink(PlaneLink link, long seq, String requestId, String text) {
        prune(link);
        if (link.heldDownlink.size() >= config.holdMax()) {
            link.heldDownlink.removeFirst();
        }
        link.heldDownlink.addLast(new PlaneLink.Held(seq, requestId, text, System.nanoTime()));
        if (link.isLive()) {
            link.socket().writeTextMessage(text);
        }
    }

    /** Drops held frames older than the TTL (caller holds the link's monitor). */
    void prune(PlaneLink link) {
        long oldest = System.nanoTime() - config.holdTtl().toNanos();
        link.heldDownlink.removeIf(h -> h.atNanos() < oldest);
        link.heldResponses.removeIf(h -> h.atNanos() < oldest);
    }

    void count(String type, String direction) {
        frameCounters.computeIfAbsent(direction + ' ' + type, key -> Counter.builder("gateway.plane.frames")
                .description("execution-plane frames by type and direction")
                .tag("type", type).tag("direction", direction).register(meters)).increment();
    }

    String write(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
