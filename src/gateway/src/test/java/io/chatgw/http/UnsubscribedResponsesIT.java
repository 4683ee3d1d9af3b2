package io.chatgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.relay.SessionRelay;
import io.chatgw.support.GatewayTestBase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;

/**
 * A client that is gone before its SSE response body is subscribed (the response is never written) must
 * leave no client attached to the session's relay, nor counted in gateway_sse_streams_open.
 */
class UnsubscribedResponsesIT extends GatewayTestBase {

    @Autowired
    ChatApi chatApi;
    @Autowired
    SessionRelay relay;

    @Test
    void aMessageStreamNeverWrittenAttachesNothing() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        byte[] body = "{\"message\": \"[[standin chunks=2]] hi\"}".getBytes(StandardCharsets.UTF_8);
        MockServerRequest request = MockServerRequest.builder()
                .method(HttpMethod.POST)
                .uri(URI.create("/api/v1/sessions/" + session + "/messages"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header(HttpHeaders.CONTENT_TYPE, "application/json")
                .pathVariable("sessionId", session)
                .body(Flux.<DataBuffer>just(DefaultDataBufferFactory.sharedInstance.wrap(body)));

        ServerResponse response = chatApi.postMessage(request).block(Duration.ofSeconds(10));

        assertThat(response.statusCode().value()).isEqualTo(200);
        awaitTurnEnded(UUID.fromString(session));
        assertThat(relay.stream(UUID.fromString(session)).clientCount()).isZero();
    }

    @Test
    void anEventStreamNeverWrittenAttachesNothing() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        MockServerRequest request = MockServerRequest.builder()
                .method(HttpMethod.GET)
                .uri(URI.create("/api/v1/sessions/" + session + "/events"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .pathVariable("sessionId", session)
                .build();
        int openBefore = relay.openClientStreams();

        ServerResponse response = chatApi.followEvents(request).block(Duration.ofSeconds(10));

        assertThat(response.statusCode().value()).isEqualTo(200);
        assertThat(relay.stream(UUID.fromString(session)).clientCount()).isZero();
        assertThat(relay.openClientStreams()).isLessThanOrEqualTo(openBefore);
    }

    private void awaitTurnEnded(UUID session) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (relay.stream(session).activeTurn() != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(relay.stream(session).activeTurn()).as("turn still running").isNull();
    }
}
