package io.chatgw.plane;

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

    @Override
    public void process(Exchange exchange) {
        ServerWebSocket socket = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class).socket();
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null || e.getMessage() == null ? "rejected" : e.getMessage();
        log.info("plane connection from {} rejected: {}", socket.remoteAddress(), reason);
        socket.close((short) 1008, PlaneConnection.closeReason(reason));
    }
}
