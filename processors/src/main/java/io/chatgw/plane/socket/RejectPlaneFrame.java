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
 * A frame the gateway does not accept: an {@code error} frame back, a metric, and a count in the connection's
 * rejection audit window ({@link PlaneRejectionAudit}: the body becomes an ended window's audit event, else null).
 * The connection stays up, unless the plane sent more than max-bad-frames within bad-frame-window (1008 "flooding").
 */
@Component("rejectPlaneFrame")
public class RejectPlaneFrame implements Processor {

    private final PlaneSender sender;
    private final PlaneProperties config;
    private final MeterRegistry meters;
    private final PlaneRejectionAudit audit;

    public RejectPlaneFrame(PlaneSender sender, PlaneProperties config, MeterRegistry meters, PlaneRejectionAudit audit) {
        this.sender = sender;
        this.config = config;
        this.meters = meters;
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        PlaneLink link = connection.link();
        ServerWebSocket socket = connection.socket();
        PlaneFrameException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, PlaneFrameException.class);
        long arrived = exchange.getProperty(PlaneConnection.ARRIVED, System.nanoTime(), Long.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        Map<String, Object> ref = new LinkedHashMap<>();
        String type = frame == null ? null : frame.path("type").asText(null);
        ref.put("type", type);
        ref.put("id", frame == null ? null : frame.path("id").asText(null));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("ref", ref);
        sender.sendRaw(socket, error); // written by Jackson: whatever the plane sent comes back escaped
        Counter.builder("gateway.plane.frames.rejected").description("plane frames answered with an error frame")
                .tag("code", e.code()).register(meters).increment(); // the gateway's own codes only
        if (e.isBadFrame() && link.flood().overBadFrames(arrived)) {
            socket.close((short) 1008, "flooding: more than " + config.maxBadFrames() + " bad frames within "
                    + config.badFrameWindow().toSeconds() + " s");
        }
        exchange.getMessage().setBody(audit.rejected(connection, e.code(), type, arrived));
    }
}
