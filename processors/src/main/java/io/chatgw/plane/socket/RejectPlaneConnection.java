package io.chatgw.plane.socket;

import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** A connection that was not admitted: closed with 1008 and the reason; nothing it sends is routed. */
@Component("rejectPlaneConnection")
public class RejectPlaneConnection implements Processor {

    private static final Logger log = LoggerFactory.getLogger(RejectPlaneConnection.class);

    private final io.chatgw.events.EventRecorder events;
    private final io.chatgw.events.AuditRateLimit auditLimit;

    public RejectPlaneConnection(io.chatgw.events.EventRecorder events, io.chatgw.events.EventsProperties config) {
        this.events = events;
        this.auditLimit = new io.chatgw.events.AuditRateLimit(config.authFailureAuditsPerMinute());
    }

    /** Closes with 1008; audited as {@code plane.connection_rejected} (rate-limited per source address). */
    @Override
    public void process(Exchange exchange) {
        ServerWebSocket socket = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class).socket();
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null || e.getMessage() == null ? "rejected" : e.getMessage();
        log.info("plane connection from {} rejected: {}", socket.remoteAddress(), reason);
        socket.close((short) 1008, PlaneConnection.closeReason(reason));
        String source = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
        if (auditLimit.allow(source)) {
            events.record(io.chatgw.events.Audit.of("anonymous", null, "plane.connection_rejected",
                    io.chatgw.events.Audit.clip(source, 255),
                    java.util.Map.of("reason", io.chatgw.events.Audit.clip(reason, 200))));
        }
    }
}
