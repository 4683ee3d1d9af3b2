package io.chatgw.plane.socket;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.springframework.stereotype.Component;

/** CLOSE of a /ws/vm socket: after its queued frames, {@code direct:plane-closed} detaches it from its plane. */
@Component("closePlaneConnection")
public class ClosePlaneConnection implements Processor {

    private final PlaneConnections connections;

    public ClosePlaneConnection(PlaneConnections connections) {
        this.connections = connections;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = connections.remove(
                exchange.getIn().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class));
        if (connection != null) {
            connections.run(connection, "direct:plane-closed", null, System.nanoTime());
        }
    }
}
