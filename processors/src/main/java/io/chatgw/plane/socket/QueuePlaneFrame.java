package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneHeartbeat;
import io.chatgw.plane.link.PlaneLink;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.springframework.stereotype.Component;

/**
 * MESSAGE on a /ws/vm socket: stamps its arrival time, counts it as a sign of life (before it waits in any
 * queue), and queues it for {@code direct:plane-frame} behind the connection's earlier frames. Past the
 * connection's high-water mark the socket is paused until the backlog drains (see {@link PlaneConnection}).
 */
@Component("queuePlaneFrame")
public class QueuePlaneFrame implements Processor {

    private final PlaneConnections connections;
    private final PlaneHeartbeat heartbeat;

    public QueuePlaneFrame(PlaneConnections connections, PlaneHeartbeat heartbeat) {
        this.connections = connections;
        this.heartbeat = heartbeat;
    }

    @Override
    public void process(Exchange exchange) {
        queue(exchange.getIn().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class),
                exchange.getIn().getBody(), System.nanoTime()); // String (text frame) or byte[] (binary frame)
    }

    /**
     * Queues one message of connection {@code key}: a String (text), byte[] (binary) or an oversized one's
     * {@link PlaneFrameAssembler.OversizedFrame} ({@link PlaneFrameAssembler} hands them here once it took over).
     */
    void queue(String key, Object body, long arrived) {
        PlaneConnection connection = connections.get(key);
        if (connection == null) {
            return; // already closed
        }
        PlaneLink link = connection.link;
        if (link != null) {
            heartbeat.heard(link, connection);
        }
        int size = body instanceof String s ? s.length() : body instanceof byte[] b ? b.length : 0;
        connections.runFrame(connection, body, size, arrived);
    }
}
