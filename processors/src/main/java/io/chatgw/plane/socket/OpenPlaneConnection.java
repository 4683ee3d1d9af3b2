package io.chatgw.plane.socket;

import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.springframework.stereotype.Component;

/**
 * OPEN of a /ws/vm socket (the body is its {@link ServerWebSocket}): the connection is registered and its
 * admission ({@code direct:plane-admit}: token, vm_id ownership, attach) is queued as its first task, so
 * frames that arrive meanwhile wait behind it. Quick and non-blocking, as the consumer route must be.
 */
@Component("openPlaneConnection")
public class OpenPlaneConnection implements Processor {

    private final PlaneConnections connections;

    public OpenPlaneConnection(PlaneConnections connections) {
        this.connections = connections;
    }

    @Override
    public void process(Exchange exchange) {
        ServerWebSocket socket = exchange.getIn().getBody(ServerWebSocket.class);
        String key = exchange.getIn().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class);
        PlaneConnection connection = connections.open(key, socket);
        connections.run(connection, "direct:plane-admit", null, System.nanoTime());
    }
}
