package io.chatgw.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The per-source connection limit on a bare Reactor Netty server with the gateway's customizer. */
class ConnectionsPerSourceTest {

    @Test
    void theConnectionOverTheLimitOfItsSourceIsAnswered429AndOtherSourcesAreServed() throws Exception {
        HttpServerProperties limits = new HttpServerProperties(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 3, 1 << 20);
        ConnectionsPerSource perSource = new ConnectionsPerSource(3);
        HttpServer server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.sendString(Mono.just("ok")));
        DisposableServer running = new HttpServerLimits().httpServerLimitsCustomizer(limits, perSource).apply(server).bindNow();
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(RawHttp.connect(running.port(), "127.0.0.31"));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> perSource.openFrom(java.net.InetAddress.getByName("127.0.0.31")) == 3);
            try (RawHttp refused = RawHttp.connect(running.port(), "127.0.0.31")) {
                RawHttp.Response response = refused.read();
                assertThat(response.status()).isEqualTo(429);
                assertThat(response.body()).contains("too_many_connections");
            }
            try (RawHttp other = RawHttp.connect(running.port(), "127.0.0.32")) {
                other.send(RawHttp.head("GET", "/"));
                assertThat(other.read().status()).isEqualTo(200);
            }
        } finally {
            for (RawHttp http : held) {
                http.close();
            }
            running.disposeNow();
        }
    }
}
