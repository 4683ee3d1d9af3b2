package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.springframework.stereotype.Component;

/**
 * OPEN of a /ws/vm socket (the body is its {@link ServerWebSocket}): the connection is registered and its
 * admission ({@code direct:plane-admit}: token, vm_id ownership, attach) is queued as its first task, so
 * frames that arrive meanwhile wait behind it; its messages are then assembled by {@link PlaneFrameAssembler}.
 * A connection that has not said hello within {@code gateway.plane.hello-timeout} is closed 1008.
 * Quick and non-blocking, as the consumer route must be.
 */
@Component("openPlaneConnection")
public class OpenPlaneConnection implements Processor {

    private final PlaneConnections connections;
    private final QueuePlaneFrame queue;
    private final PlaneProperties config;

    public OpenPlaneConnection(PlaneConnections connections, QueuePlaneFrame queue, PlaneProperties config) {
        this.connections = connections;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        ServerWebSocket socket = exchange.getIn().getBody(ServerWebSocket.class);
        String key = exchange.getIn().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class);
        PlaneConnection connection = connections.open(key, socket);
        // from the next message on, the connection's messages are assembled within max-frame-bytes
        // (frame_too_large beyond); installed before the admission can welcome the plane, which may then send at once
        PlaneFrameAssembler.install(socket, config.maxFrameBytes(), (message, arrived) -> queue.queue(key, message, arrived));
        connections.run(connection, "direct:plane-admit", null, System.nanoTime());
        CompletableFuture.delayedExecutor(Math.max(1, config.helloTimeout().toMillis()), TimeUnit.MILLISECONDS)
                .execute(() -> closeUnlessGreeted(connection));
    }

    /** The hello deadline: a connection admitted or not that never said hello holds nothing for long. */
    private void closeUnlessGreeted(PlaneConnection connection) {
        if (!connection.closed && (connection.link == null || !connection.link.isGreeted())) {
            connection.socket.close((short) 1008, "no hello within " + config.helloTimeout().toSeconds() + " s");
        }
    }
}
