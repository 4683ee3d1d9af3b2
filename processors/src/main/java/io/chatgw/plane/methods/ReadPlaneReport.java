package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * fire_and_forget: checks kind ({@code usage} | {@code audit}) and data, counts and logs it; an audit report's
 * event is left in the body for the report routes (header {@code reportKind}; usage: describePlaneUsage).
 */
@Component("readPlaneReport")
public class ReadPlaneReport implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ReadPlaneReport.class);
    private final MeterRegistry meters;

    public ReadPlaneReport(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        String kind = ReadPlaneFrame.text(frame, "kind");
        if (!kind.equals("usage") && !kind.equals("audit")) {
            throw new PlaneFrameException("invalid_frame", "'kind' must be usage or audit");
        }
        JsonNode data = frame.get("data");
        if (data == null || !data.isObject()) {
            throw new PlaneFrameException("invalid_frame", "'data' must be an object");
        }
        Counter.builder("gateway.plane.reports").description("fire-and-forget reports from planes")
                .tag("kind", kind).register(meters).increment();
        log.info("plane report kind={} vm={} user={} data={}", kind, link.vmId(), link.userId(), data);
        if (kind.equals("audit")) { // the plane's own audit record: identity from the link, the report as details
            exchange.getMessage().setBody(io.chatgw.events.Audit.of("vm:" + link.vmId(), link.orgId(),
                    "plane." + io.chatgw.events.Audit.clip(data.path("action").asText("audit"), 50),
                    data.path("session_id").asText(link.userId()), data));
        }
        exchange.getIn().setHeader("reportKind", kind);
    }
}
