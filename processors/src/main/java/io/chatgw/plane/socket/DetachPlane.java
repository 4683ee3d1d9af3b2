package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A plane's socket closed: its running turns wait for it to come back within the reconnect grace, and its rejected
 * frames of the open audit window are audited now.
 */
@Component("detachPlane")
public class DetachPlane implements Processor {

    private final PlaneRegistry registry;
    private final PlaneRejectionAudit rejections;

    public DetachPlane(PlaneRegistry registry, PlaneRejectionAudit rejections) {
        this.registry = registry;
        this.rejections = rejections;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        if (connection.link != null) {
            registry.detach(connection.link, connection);
            rejections.closed(connection);
        }
    }
}
