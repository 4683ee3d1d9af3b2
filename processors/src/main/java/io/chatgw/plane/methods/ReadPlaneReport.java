package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.events.Audit;
import io.chatgw.events.EventsProperties;
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
 * fire_and_forget: checks kind ({@code usage} | {@code audit}), data and its values ({@link PlaneReports}), counts
 * and logs it; an audit report's event is left in the body for the report routes (header {@code reportKind};
 * usage: describePlaneUsage). A report with a bad value gets header {@code reportInvalid} (the reason): it is
 * recorded marked so, then answered with an error frame (routes/plane.yaml).
 */
@Component("readPlaneReport")
public class ReadPlaneReport implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ReadPlaneReport.class);
    private final MeterRegistry meters;
    private final int maxReportBytes;

    public ReadPlaneReport(MeterRegistry meters, EventsProperties config) {
        this.meters = meters;
        this.maxReportBytes = config.planeReportMaxBytes();
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
        String problem = PlaneReports.problem(kind, data, maxReportBytes);
        Counter.builder("gateway.plane.reports").description("fire-and-forget reports from planes")
                .tag("kind", kind).tag("valid", String.valueOf(problem == null)).register(meters).increment();
        log.info("plane report kind={} vm={} user={} invalid={} data={}", kind, link.vmId(), link.userId(), problem,
                Audit.clip(data.toString(), 2000));
        if (kind.equals("audit")) { // the plane's own audit record: identity from the link, the report as details
            exchange.getMessage().setBody(problem == null
                    ? Audit.of("vm:" + link.vmId(), link.orgId(), "plane." + data.get("action").asText(),
                            target(data, link), data)
                    : Audit.of("vm:" + link.vmId(), link.orgId(), "plane.invalid_report",
                            target(data, link), invalid(problem, data)));
        }
        if (problem != null) {
            exchange.getIn().setHeader("reportInvalid", problem);
        }
        exchange.getIn().setHeader("reportKind", kind);
    }

    /** The session it names when that is a valid one, else the plane's user. */
    private static String target(JsonNode data, PlaneLink link) {
        JsonNode session = data.get("session_id");
        return session != null && session.isTextual() && session.asText().length() <= 64 ? session.asText() : link.userId();
    }

    /** An invalid report's details: the reason and what was sent (cut to max-report-bytes characters if larger). */
    private Map<String, Object> invalid(String problem, JsonNode data) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", problem);
        details.put("report", PlaneReports.bytes(data) <= maxReportBytes ? data
                : Audit.clip(data.toString(), maxReportBytes));
        return details;
    }
}
