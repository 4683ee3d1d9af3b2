package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each path's breaker counts "connect -> first event" failures: at its threshold (test profile: 4 calls, 50%) it
 * opens, and while open the path is not called at all (fallback straight away, reason breaker_open); after its
 * wait (2 s) half-open probes (2) that succeed close it again. direct_llm has no fallback: an open breaker is
 * an `llm_unavailable` error. GatewayTestBase resets every breaker before each test.
 */
class BreakersIT extends GatewayTestBase {

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    void theLegacyBreakerOpensAtItsThresholdThenFallsBackWithoutCallingTheRuntimeAndClosesAfterHalfOpenProbes()
            throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);
        CircuitBreaker legacy = breakers.circuitBreaker("legacy");
        for (int i = 0; i < 3; i++) {
            FallbackIT.assertFellBack(chat(token, session, "[[runtime fail=http_503]] hi"), "legacy", "direct_llm", "http_5xx");
        }
        assertThat(legacy.getState()).as("below minimum calls").isEqualTo(CircuitBreaker.State.CLOSED);
        chat(token, session, "[[runtime fail=http_503]] hi");
        assertThat(legacy.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        // a healthy runtime is not even asked while the breaker is open
        List<Event> open = chat(token, session, "hi");
        FallbackIT.assertFellBack(open, "legacy", "direct_llm", "breaker_open");
        String requestId = open.get(0).json().get("request_id").asText();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT path || ':' || status || ':' || coalesce(fallback_from, '-') FROM usage_records WHERE request_id = ?::uuid",
                String.class, requestId)).containsExactly("direct_llm:completed:legacy"));
        assertThat(legacy.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);

        await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(5)).until(() -> true);
        for (int i = 0; i < 2; i++) {
            List<Event> probe = chat(token, session, "hi");
            assertThat(probe).extracting(Event::type).doesNotContain("fallback");
            assertThat(probe.get(probe.size() - 1).json().get("path").asText()).isEqualTo("legacy");
        }
        assertThat(legacy.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailingHalfOpenProbeOpensTheBreakerAgain() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);
        CircuitBreaker legacy = breakers.circuitBreaker("legacy");
        for (int i = 0; i < 4; i++) {
            chat(token, session, "[[runtime fail=http_503]] hi");
        }
        assertThat(legacy.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(5)).until(() -> true);
        FallbackIT.assertFellBack(chat(token, session, "[[runtime fail=http_503]] hi"), "legacy", "direct_llm", "http_5xx");
        FallbackIT.assertFellBack(chat(token, session, "[[runtime fail=http_503]] hi"), "legacy", "direct_llm", "http_5xx");

        assertThat(legacy.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void anOpenDirectLlmBreakerIsAnLlmUnavailableErrorAndNotACallToTheLlm() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        for (int i = 0; i < 4; i++) {
            List<Event> failed = chat(token, session, "[[standin fail=http_500]] hi");
            assertThat(failed).extracting(Event::type).containsExactly("route", "error");
            assertThat(failed.get(1).json().get("code").asText()).isEqualTo("upstream_error");
        }
        assertThat(breakers.circuitBreaker("direct_llm").getState()).isEqualTo(CircuitBreaker.State.OPEN);

        List<Event> events = chat(token, session, "hi");

        assertThat(events).extracting(Event::type).containsExactly("route", "error");
        assertThat(events.get(1).json().get("code").asText()).isEqualTo("llm_unavailable");
    }

    @Test
    void aFailureAfterTheFirstEventIsNotABreakerCall() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        CircuitBreaker llm = breakers.circuitBreaker("direct_llm");
        for (int i = 0; i < 5; i++) {
            List<Event> events = chat(token, session, "[[standin chunks=6 fail=mid_stream_after_2]] hi");
            assertThat(events.get(events.size() - 1).json().get("code").asText()).isEqualTo("upstream_disconnected");
        }

        assertThat(llm.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(llm.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(llm.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(5);
    }
}
