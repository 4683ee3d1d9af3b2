package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends the {@code response} to a request: {@code ok=true} with the method route's body, or, when the route
 * failed, {@code ok=false} with the failure's code. Held for the plane if it is away.
 */
@Component("answerPlaneRequest")
public class AnswerPlaneRequest implements Processor {

    private static final Logger log = LoggerFactory.getLogger(AnswerPlaneRequest.class);

    private final PlaneSender sender;
    private final MeterRegistry meters;

    private final io.chatgw.plane.socket.PlaneRejectionAudit rejections;

    public AnswerPlaneRequest(PlaneSender sender, MeterRegistry meters, io.chatgw.plane.socket.PlaneRejectionAudit rejections) {
        this.rejections = rejections;
        this.sender = sender;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        String method = exchange.getIn().getHeader(ReadPlaneRequest.METHOD, String.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("type", "response");
        response.put("id", exchange.getIn().getHeader(ReadPlaneRequest.REQUEST_ID, String.class));
        String outcome;
        if (failure == null) {
            response.put("ok", true);
            response.put("result", exchange.getMessage().getBody());
            outcome = "ok";
        } else {
            String code = failure instanceof PlaneMethodException p ? p.code() : "internal_error";
            if (!(failure instanceof PlaneMethodException)) {
                log.error("plane request {} of {} failed", io.chatgw.events.Audit.clip(method, 64), link.vmId(), failure);
            }
            response.put("ok", false);
            response.put("error", Map.of("code", code, "message",
                    failure instanceof PlaneMethodException ? failure.getMessage() : "the gateway failed to serve this request"));
            outcome = code;
        }
        sender.respond(link, response);
        link.openRequests().answered(String.valueOf(response.get("id")));
        if (failure instanceof PlaneMethodException p && "unknown_method".equals(p.code())) {
            // counted like a rejected frame; an ended window's audit event goes the one way out (routes/plane.yaml)
            Object audit = rejections.rejected(exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class),
                    "unknown_method", method, System.nanoTime());
            exchange.getMessage().setBody(audit);
            exchange.getIn().setHeader("planeAudit", audit != null);
        }
        Long started = exchange.getProperty(ReadPlaneRequest.STARTED, Long.class);
        Timer.builder("gateway.plane.request.latency").description("plane requests by method and outcome")
                .tag("method", failure instanceof PlaneMethodException p && "unknown_method".equals(p.code()) ? "unknown" : method)
                .tag("outcome", outcome).publishPercentileHistogram().register(meters)
                .record(Duration.ofNanos(System.nanoTime() - (started == null ? System.nanoTime() : started)));
    }
}
