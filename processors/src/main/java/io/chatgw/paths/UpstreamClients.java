package io.chatgw.paths;

import io.chatgw.config.GatewayProperties;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/** The pooled, keep-alive HTTP client of one upstream. */
public final class UpstreamClients {

    private UpstreamClients() {
    }

    public static HttpClient create(Vertx vertx, GatewayProperties.Upstream config) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout((int) config.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(config.maxConnections()));
    }
}
