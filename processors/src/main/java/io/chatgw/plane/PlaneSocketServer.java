package io.chatgw.plane;

import io.chatgw.auth.JwtVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The {@code /ws/vm} endpoint on its own port. Admits a socket only with a valid VM token (else close 1008),
 * then hands every text frame, in arrival order per connection, to the {@code direct:plane-frame} route
 * (routes/plane.yaml). Frames of one plane are handled one after another; planes run in parallel.
 *
 * <p>Why not the camel-vertx-websocket consumer: in Camel 4.17 it runs each frame through
 * {@code executeBlocking(..., ordered=false)}, so two frames of one plane can be handled out of order or
 * at the same time, which the protocol (hello first, per-session event order) cannot tolerate.
 */
@Component
public class PlaneSocketServer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PlaneSocketServer.class);
    public static final String LINK = "planeLink";
    public static final String SOCKET = "planeSocket";

    private final Vertx vertx;
    private final PlaneProperties config;
    private final VmTokens tokens;
    private final PlaneRegistry registry;
    private final ProducerTemplate routes;
    private final ExecutorService framePool;
    private volatile HttpServer server;

    public PlaneSocketServer(Vertx vertx, PlaneProperties config, VmTokens tokens, PlaneRegistry registry,
                             ProducerTemplate routes, @Qualifier("planeFramePool") ExecutorService framePool) {
        this.vertx = vertx;
        this.config = config;
        this.tokens = tokens;
        this.registry = registry;
        this.routes = routes;
        this.framePool = framePool;
    }

    /** Listens once the routes are running. */
    @EventListener(ApplicationReadyEvent.class)
    public void start() throws Exception {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                // let oversized frames through up to twice the limit so the plane gets an error frame, not a dropped socket
                .setMaxWebSocketFrameSize(config.maxFrameBytes() * 2)
                .setMaxWebSocketMessageSize(config.maxFrameBytes() * 2);
        CompletableFuture<HttpServer> started = vertx.createHttpServer(options)
                .webSocketHandler(this::accept)
                .listen()
                .toCompletionStage().toCompletableFuture();
        server = started.get(30, TimeUnit.SECONDS);
        log.info("execution-plane WebSocket listening on ws://{}:{}{}", config.host(), server.actualPort(), config.path());
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    public String publicUrl() {
        String url = config.publicUrl();
        return url == null || url.isBlank() ? "ws://127.0.0.1:" + port() + config.path() : url;
    }

    private void accept(ServerWebSocket socket) {
        if (!config.path().equals(socket.path())) {
            socket.close((short) 1008, "unknown path");
            return;
        }
        VmTokens.VmIdentity identity;
        try {
            identity = tokens.verify(tokenOf(socket));
        } catch (JwtVerifier.JwtRejected e) {
            log.info("plane connection from {} rejected: {}", socket.remoteAddress(), e.getMessage());
            socket.close((short) 1008, truncate(e.getMessage()));
            return;
        }
        SerialExecutor frames = new SerialExecutor(framePool);
        PlaneLink link = registry.attach(identity, socket, frames);
        if (link == null) {
            socket.close((short) 1008, "vm_id belongs to another user");
            return;
        }
        socket.textMessageHandler(text -> frames.execute(() -> handle(link, socket, text)));
        socket.binaryMessageHandler(buffer -> frames.execute(() -> handle(link, socket, null)));
        socket.closeHandler(v -> frames.execute(() -> registry.detach(link, socket)));
        socket.exceptionHandler(e -> log.debug("plane {} socket error: {}", link.vmId(), e.toString()));
    }

    private void handle(PlaneLink link, ServerWebSocket socket, String text) {
        DefaultExchange exchange = new DefaultExchange(routes.getCamelContext(), ExchangePattern.InOnly);
        exchange.getIn().setBody(text);
        exchange.setProperty(LINK, link);
        exchange.setProperty(SOCKET, socket);
        try {
            routes.send("direct:plane-frame", exchange);
        } catch (RuntimeException e) {
            log.error("plane {} frame handling failed", link.vmId(), e);
        }
    }

    private static String tokenOf(ServerWebSocket socket) {
        String header = socket.headers().get("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String query = socket.query();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("token=")) {
                    return java.net.URLDecoder.decode(pair.substring(6), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    private static String truncate(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }

    @Override
    public void destroy() {
        if (server != null) {
            server.close();
        }
    }
}
