package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The open /ws/vm sockets by the vertx-websocket consumer's connection key, and how their work runs:
 * every route a connection triggers ({@code direct:plane-admit}, {@code direct:plane-frame},
 * {@code direct:plane-closed}) runs on that connection's {@link SerialExecutor} over the shared frame
 * pool, so one plane's frames are handled in arrival order and different planes in parallel. Its snapshots
 * ({@code direct:store-snapshot}) are stored in arrival order on its second {@link SerialExecutor}, over the
 * plane request pool: PostgreSQL's latency stays off the frame sequence, and a snapshot counts in the
 * connection's backlog until stored, so a slow database still pushes back on the plane.
 */
@Component
public class PlaneConnections {

    private static final Logger log = LoggerFactory.getLogger(PlaneConnections.class);

    private final Map<String, PlaneConnection> open = new ConcurrentHashMap<>();
    private final ProducerTemplate routes;
    private final ExecutorService framePool;
    private final ExecutorService workPool;
    private final PlaneProperties config;

    private final Counter pauses;

    public PlaneConnections(ProducerTemplate routes, @Qualifier("planeFramePool") ExecutorService framePool,
                            @Qualifier("planeWorkPool") ExecutorService workPool, PlaneProperties config,
                            MeterRegistry meters) {
        this.routes = routes;
        this.framePool = framePool;
        this.workPool = workPool;
        this.config = config;
        this.pauses = Counter.builder("gateway.plane.socket.paused")
                .description("times a plane's socket was paused because its received frames waited past the high-water mark")
                .register(meters);
        Gauge.builder("gateway.plane.sockets", open, Map::size).description("open /ws/vm sockets, admitted or not")
                .register(meters);
    }

    PlaneConnection open(String key, ServerWebSocket socket) {
        PlaneConnection connection = new PlaneConnection(key, socket, new SerialExecutor(framePool),
                new SerialExecutor(workPool), config.frameQueueHighWater());
        open.put(key, connection);
        return connection;
    }

    /** The open connections (a live view). */
    java.util.Collection<PlaneConnection> all() {
        return open.values();
    }

    PlaneConnection get(String key) {
        return key == null ? null : open.get(key);
    }

    PlaneConnection remove(String key) {
        PlaneConnection connection = key == null ? null : open.remove(key);
        if (connection != null) {
            connection.closed = true;
        }
        return connection;
    }

    /** Queues a received frame for {@code direct:plane-frame}, counting it in the connection's backlog. */
    void runFrame(PlaneConnection connection, Object frame, int size, long arrivedNanos) {
        if (connection.queued(size)) {
            pauses.increment();
        }
        connection.frames.execute(() -> {
            try {
                send(connection, "direct:plane-frame", frame, arrivedNanos, Map.of());
            } finally {
                connection.handled(size);
            }
        });
    }

    /** Runs {@code endpoint} for the connection, after everything queued for it before. */
    void run(PlaneConnection connection, String endpoint, Object body, long arrivedNanos) {
        connection.frames.execute(() -> send(connection, endpoint, body, arrivedNanos, Map.of()));
    }

    /**
     * Queues {@code direct:store-snapshot} for the connection after its earlier snapshots; {@code frame} is the
     * exchange of the snapshot frame (body: the row to store; its link and parsed frame go along for an error
     * frame). Its {@code size} stays in the connection's backlog until stored.
     */
    void runSnapshot(PlaneConnection connection, Exchange frame, int size) {
        if (connection.queued(size)) {
            pauses.increment();
        }
        Object row = frame.getMessage().getBody();
        long arrived = frame.getProperty(PlaneConnection.ARRIVED, System.nanoTime(), Long.class);
        Map<String, Object> carried = new java.util.HashMap<>();
        for (String property : new String[] {PlaneConnection.LINK, ReadPlaneFrame.FRAME}) {
            Object value = frame.getProperty(property);
            if (value != null) {
                carried.put(property, value);
            }
        }
        connection.snapshots.execute(() -> {
            try {
                send(connection, "direct:store-snapshot", row, arrived, carried);
            } finally {
                connection.handled(size);
            }
        });
    }

    private void send(PlaneConnection connection, String endpoint, Object body, long arrivedNanos,
                      Map<String, Object> properties) {
        try {
            Exchange exchange = new DefaultExchange(routes.getCamelContext(), ExchangePattern.InOnly);
            exchange.getIn().setBody(body);
            exchange.setProperty(PlaneConnection.CONNECTION, connection); // its socket and link come from it
            exchange.setProperty(PlaneConnection.ARRIVED, arrivedNanos);
            properties.forEach(exchange::setProperty);
            routes.send(endpoint, exchange);
            if (exchange.getException() != null) {
                log.error("plane connection {}: {} failed", connection.key, endpoint, exchange.getException());
            }
        } catch (RuntimeException e) {
            log.error("plane connection {}: {} failed", connection.key, endpoint, e);
        }
    }
}
