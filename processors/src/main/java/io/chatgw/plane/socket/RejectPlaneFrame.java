package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneSender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A frame the gateway does not accept: an {@code error} frame back, a metric, and the body for the audit
 * record. The connection stays up, unless the plane keeps sending bad frames (then 1008 "flooding").
 */
@Component("rejectPlaneFrame")
public class RejectPlaneFrame implements Processor {

    private final PlaneSender sender;
    private final PlaneProperties config;
    private final MeterRegistry meters;

    public RejectPlaneFrame(PlaneSender sender, PlaneProperties config, MeterRegistry meters) {
        this.sender = sender;
        this.config = config;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        PlaneLink link = connection.link();
        ServerWebSocket socket = connection.socket();
        PlaneFrameException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, PlaneFrameException.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("type", frame == null ? null : frame.path("type").asText(null));
        ref.put("id", frame == null ? null : frame.path("id").asText(null));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("ref", ref);
        sender.sendRaw(socket, error);
        Counter.builder("gateway.plane.frames.rejected").description("plane frames answered with an error frame")
                .tag("code", e.code()).register(meters).increment();
        if (link.limits().badFrame() > config.maxBadFrames()) {
            socket.close((short) 1008, "flooding: more than " + config.maxBadFrames() + " bad frames in a row");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("code", e.code());
        details.put("type", ref.get("type") == null ? null : io.chatgw.events.Audit.clip(String.valueOf(ref.get("type")), 64));
        Object audit = io.chatgw.events.Audit.of("vm:" + link.vmId(), link.orgId(), "plane.frame_rejected",
                link.userId(), details);
        exchange.getMessage().setBody(audit);
    }
}
