package io.chatgw.paths;

import io.chatgw.config.GatewayProperties;
import io.chatgw.shadow.ShadowEventLoops;
import io.chatgw.turn.Turn;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * One upstream's pooled, keep-alive HTTP clients: the primaries' on the gateway's Vert.x, the shadows' on their own
 * ({@link ShadowEventLoops}, docs/shadow.md), so a shadow's connection, stream and timers never run on a primary's
 * event loop. The shadows' pool holds at most {@code gateway.shadow.max-concurrent} connections: no more shadows run.
 */
final class UpstreamClients {

    /** An HTTP client and the Vert.x whose event loops it runs on (the call's timers go there too). */
    record Client(Vertx vertx, HttpClient http) {
    }

    private final Client primary;
    private final Client shadow;

    UpstreamClients(Vertx vertx, ShadowEventLoops shadowLoops, int shadowConnections, GatewayProperties.Upstream config) {
        this.primary = new Client(vertx, create(vertx, config, config.maxConnections()));
        this.shadow = new Client(shadowLoops.vertx(), create(shadowLoops.vertx(), config,
                Math.min(config.maxConnections(), shadowConnections)));
    }

    /** The client {@code turn}'s upstream call goes through: a shadow turn's own, else the primaries'. */
    Client of(Turn turn) {
        return turn.isShadow() ? shadow : primary;
    }

    private static HttpClient create(Vertx vertx, GatewayProperties.Upstream config, int maxConnections) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout((int) config.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(maxConnections));
    }
}
