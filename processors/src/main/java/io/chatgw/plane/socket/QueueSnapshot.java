package io.chatgw.plane.socket;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * snapshot: hands the row {@code readSnapshot} made to {@code direct:store-snapshot} on the connection's snapshot
 * queue, so the frames behind it (the plane's events) do not wait for PostgreSQL. Snapshots of one connection are
 * stored in arrival order; the row's JSON counts in the connection's backlog until it is stored.
 */
@Component("queueSnapshot")
public class QueueSnapshot implements Processor {

    private final PlaneConnections connections;

    public QueueSnapshot(PlaneConnections connections) {
        this.connections = connections;
    }

    @Override
    public void process(Exchange exchange) {
        PlaneConnection connection = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class);
        connections.runSnapshot(connection, exchange, size(exchange.getMessage().getBody(Map.class)));
    }

    /** Characters of the row's JSON documents. */
    static int size(Map<?, ?> row) {
        int size = 1;
        if (row != null) {
            for (Object value : row.values()) {
                if (value instanceof String json) {
                    size += json.length();
                }
            }
        }
        return size;
    }
}
