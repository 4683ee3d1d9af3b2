package io.chatgw.http;

import static io.chatgw.support.RawHttp.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.http.server.HttpServerProperties;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The HTTP port's timeouts and per-source connection limit against slowloris-style raw sockets
 * (gateway.http.*; the test profile's timeouts are short: config/application-test.yaml).
 */
class HttpTimeoutsAndLimitsIT extends GatewayTestBase {

    @Autowired
    HttpServerProperties limits;

    private long sinceMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void headersTrickledSlowerThanTheHeaderTimeoutGet408AndTheConnectionIsClosed() throws Exception {
        try (RawHttp http = RawHttp.connect(port)) {
            long start = System.nanoTime();
            http.send("GET /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\n");
            // one header byte every 250 ms, as slowloris does, until the server closes or well past the timeout
            while (sinceMillis(start) < limits.headerTimeout().toMillis() + 5000) {
                try {
                    http.send("X");
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(250);
            }
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("header_timeout");
            assertThat(http.closedByServer()).isTrue();
            assertThat(sinceMillis(start)).isLessThan(limits.headerTimeout().toMillis() + 5000);
        }
    }

    @Test
    void aBodySentSlowerThanTheBodyTimeoutGets408AndNothingIsDone() throws Exception {
        String user = "u-slowbody-" + UUID.randomUUID();
        try (RawHttp http = RawHttp.connect(port)) {
            long start = System.nanoTime();
            http.send(head("POST", "/api/v1/sessions", "Authorization: Bearer " + tokenFor(user, "org-acme"),
                    "Content-Type: application/json", "Content-Length: 100") + "{");
            http.timeout(limits.bodyTimeout().plusSeconds(10));
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("body_timeout");
            assertThat(sinceMillis(start)).isBetween(limits.bodyTimeout().toMillis() - 200, limits.bodyTimeout().toMillis() + 5000);
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sessions WHERE user_id = ?", Integer.class, user)).isZero();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp http = RawHttp.connect(port)) {
            long start = System.nanoTime();
            http.timeout(limits.idleTimeout().plusSeconds(10));
            assertThat(http.closedByServer()).isTrue();
            assertThat(sinceMillis(start)).isBetween(limits.idleTimeout().toMillis() - 200, limits.idleTimeout().toMillis() + 5000);
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutOnceItsResponseEnded() throws Exception {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(head("GET", "/v1/models", "Authorization: Bearer " + tokenFor("u-alice", "org-acme")));
            assertThat(http.read().status()).isEqualTo(200);
            long start = System.nanoTime();
            http.timeout(limits.idleTimeout().plusSeconds(10));
            assertThat(http.closedByServer()).isTrue();
            assertThat(sinceMillis(start)).isBetween(limits.idleTimeout().toMillis() - 200, limits.idleTimeout().toMillis() + 5000);
        }
    }

    @Test
    void oneSourceAddressGetsAtMostTheConnectionLimitAndTheNextIsAnswered429() throws Exception {
        String source = "127.0.0.23"; // a loopback address of its own: the other tests' connections come from 127.0.0.1
        List<RawHttp> held = new ArrayList<>();
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);
        try {
            // each follows a session (a request in progress: no idle timeout), and its answer proves the gateway
            // accepted it (a client's connect returns once the kernel queued it, before the server took it)
            for (int i = 0; i < limits.maxConnectionsPerSource(); i++) {
                RawHttp http = RawHttp.connect(port, source).send(head("GET", "/api/v1/sessions/" + session + "/events",
                        "Authorization: Bearer " + token, "Accept: text/event-stream"));
                held.add(http);
                assertThat(http.read().status()).isEqualTo(200);
            }
            try (RawHttp refused = RawHttp.connect(port, source)) {
                RawHttp.Response response = refused.read();
                assertThat(response.status()).isEqualTo(429);
                assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("too_many_connections");
                assertThat(refused.closedByServer()).isTrue();
            }
            try (RawHttp other = RawHttp.connect(port, "127.0.0.24")) { // another source is not affected
                other.send(head("GET", "/actuator/health/liveness"));
                assertThat(other.read().status()).isEqualTo(200);
            }
            held.remove(0).close();
            org.awaitility.Awaitility.await("a slot freed").atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                try (RawHttp again = RawHttp.connect(port, source)) {
                    again.send(head("GET", "/actuator/health/liveness"));
                    return again.read().status() == 200;
                }
            });
        } finally {
            for (RawHttp http : held) {
                http.close();
            }
        }
    }
}
