package io.chatgw.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.ReadPlaneFrame;
import io.chatgw.plane.methods.PlaneReports;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A plane's fire_and_forget usage report as a {@code plane_usage} event (stored in plane_usage_reports,
 * published on the usage topic; not billed: the turn's usage record carries the same run). Identity comes from
 * the plane's authenticated link, never from the report; the report's own fields are cut to their columns and the
 * whole report kept as JSON. Its id is derived from vm, request and session, so a report sent twice is one row.
 * A report with a bad value (header {@code reportInvalid}, {@link PlaneReports}) is kept too, marked with the
 * reason: its token fields hold only the counts that were valid (0 for the others, never a wrapped or rounded
 * number), its id is derived from the whole report (a corrected resend is a row of its own), and a report over
 * the size limit is kept cut to it, as text.
 */
public final class DescribePlaneUsage implements Processor {

    private final int maxReportBytes;

    public DescribePlaneUsage(EventsProperties config) {
        this.maxReportBytes = config.planeReportMaxBytes();
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        JsonNode report = frame.path("data");
        String invalid = exchange.getIn().getHeader("reportInvalid", String.class);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vmId", Audit.clip(link.vmId(), 255));
        data.put("userId", link.userId());
        data.put("orgId", link.orgId());
        data.put("sessionId", Audit.clip(text(report, "session_id"), 64));
        data.put("requestId", Audit.clip(text(report, "request_id"), 64));
        data.put("model", Audit.clip(text(report, "model"), 100));
        data.put("tokensIn", Math.max(0, PlaneReports.tokens(report.get("prompt_tokens"))));
        data.put("tokensOut", Math.max(0, PlaneReports.tokens(report.get("completion_tokens"))));
        boolean tooLarge = invalid != null && PlaneReports.bytes(report) > maxReportBytes;
        data.put("report", tooLarge ? Audit.clip(report.toString(), maxReportBytes) : report);
        data.put("invalidReason", invalid == null ? null : Audit.clip(invalid, 200));
        String idSource = invalid != null ? "plane-usage-invalid:" + link.vmId() + ":" + report
                : "plane-usage:" + link.vmId() + ":" + data.get("sessionId") + ":" + data.get("requestId")
                + (data.get("requestId") == null ? ":" + UUID.randomUUID() : "");
        exchange.getMessage().setBody(new Event(UUID.nameUUIDFromBytes(idSource.getBytes(StandardCharsets.UTF_8)),
                Event.PLANE_USAGE, link.orgId(), Instant.now(), data));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
