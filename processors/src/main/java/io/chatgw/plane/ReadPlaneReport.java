package io.chatgw.plane;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * fire_and_forget: checks kind ({@code usage} | {@code audit}) and data, counts and logs it, and leaves a body
 * for the report routes (header {@code reportKind}).
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("actor", "vm:" + link.vmId());
        body.put("orgId", link.orgId());
        body.put("action", kind.equals("usage") ? "plane.usage" : "plane." + data.path("action").asText("audit"));
        body.put("target", data.path("session_id").asText(link.userId()));
        body.put("details", data.toString());
        exchange.getIn().setHeader("reportKind", kind);
        exchange.getMessage().setBody(body);
    }
}
