package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Upstreams nobody listens on (port 1 refuses connections): legacy falls back to direct_llm, which is unreachable
 * too, so the turn ends at once with {@code upstream_unreachable}, and the session takes the next message.
 */
@TestPropertySource(properties = {"gateway.legacy.base-url=http://127.0.0.1:1", "gateway.llm.base-url=http://127.0.0.1:1"})
class UnreachableUpstreamIT extends GatewayTestBase {

    @Test
    void legacyRuntimeThatRefusesConnectionsFallsBackAndAnUnreachableFallbackEndsTheTurn() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);

        for (int turn = 0; turn < 2; turn++) {
            List<Event> events = chat(token, session, "hello?");
            assertThat(events).extracting(Event::type).containsExactly("route", "fallback", "error");
            assertThat(events.get(1).json().get("reason").asText()).isEqualTo("connect_error");
            assertThat(events.get(2).json().get("code").asText()).isEqualTo("upstream_unreachable");
            assertThat(events.get(2).json().get("message").asText()).contains("LLM");
            assertThat(events.get(2).json().get("path").asText()).isEqualTo("direct_llm");
            assertThat(events.get(2).json().get("fallback_from").asText()).isEqualTo("legacy");
        }
    }

    @Test
    void llmThatRefusesConnectionsIsUnreachableAndTheFailedTurnIsRecorded() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);

        List<Event> events = chat(token, session, "hello?");

        assertThat(events).extracting(Event::type).containsExactly("route", "error");
        assertThat(events.get(1).json().get("code").asText()).isEqualTo("upstream_unreachable");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT status || ':' || error_code FROM usage_records WHERE session_id = ?", String.class,
                java.util.UUID.fromString(session))).containsExactly("failed:upstream_unreachable"));
    }
}
