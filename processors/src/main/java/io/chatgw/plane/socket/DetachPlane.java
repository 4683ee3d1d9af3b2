package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** A plane's socket closed: its running turns wait for it to come back within the reconnect grace. */
@Component("detachPlane")
public class DetachPlane implements Processor {

    private final PlaneRegistry registry;

    public DetachPlane(PlaneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        if (connection.link != null) {
            registry.detach(connection.link, connection);
        }
    }
}
