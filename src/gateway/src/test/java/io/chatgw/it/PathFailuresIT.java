package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream failures that are not a fallback case (after the first event, or reported by the upstream itself, or
 * on direct_llm, which has no fallback) become an in-band error event with a precise code; whatever was
 * streamed before stays delivered, the session is free for the next message. Failures before the first event
 * fall back: FallbackIT. (The test profile sets 2-3 s timeouts.)
 */
class PathFailuresIT extends GatewayTestBase {

    private String token;
    private String llmToken;

    @BeforeEach
    void tokens() {
        token = tokenFor("u-alice", "org-acme");
        llmToken = tokenFor("u-carol", "org-acme");
    }

    @Test
    void runtimeStallingMidAnswerHitsTheIdleTimeoutAndKeepsWhatWasSent() throws Exception {
        List<Event> events = chat(token, newSession(token), "[[runtime stall_after=3]] hi");

        Event last = events.get(events.size() - 1);
        assertThat(last.json().get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(last.json().get("message").asText()).contains("no event");
        assertThat(events).filteredOn(e -> e.type().equals("text")).isNotEmpty();
        assertThat(events).extracting(Event::type).doesNotContain("fallback");
    }

    @Test
    void anUpstreamSendingSlowerThanNothingButFasterThanTheIdleTimeoutIsNeverCutOff() throws Exception {
        // 4 chunks 1.2 s apart: 4.8 s in all, more than twice the 2 s idle timeout, but never 2 s without an event
        List<Event> events = chat(llmToken, newSession(llmToken), "[[standin chunks=4 delay_ms=1200]] hi");

        assertThat(events).filteredOn(e -> e.type().equals("text")).hasSize(4);
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    }

    @Test
    void aRuntimeFallingSilentAfterSomeEventsIsCutTheIdleTimeoutAfterItsLastEventNotItsFirst() throws Exception {
        // chunks 1.5 s apart from the LLM, the runtime stalls after 3 events: the 2 s deadline counts from the last
        long started = System.nanoTime();
        List<Event> events = chat(token, newSession(token), "[[runtime stall_after=3]] [[standin chunks=10 delay_ms=1500]] hi");
        double seconds = (System.nanoTime() - started) / 1e9;

        long texts = events.stream().filter(e -> e.type().equals("text")).count();
        assertThat(texts).isGreaterThanOrEqualTo(2);
        assertThat(events.get(events.size() - 1).json().get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(seconds).as("the last of %d texts came after ~%.1f s, the cut 2 s later", texts, (texts - 1) * 1.5)
                .isGreaterThan((texts - 1) * 1.5 + 1.5);
    }

    @Test
    void llmFailureReportedByTheRuntimeIsARuntimeError() throws Exception {
        List<Event> events = chat(token, newSession(token), "[[standin fail=http_500]] hi");

        Event last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.json().get("code").asText()).isEqualTo("runtime_error");
    }

    @Test
    void llmBreakingMidStreamOnTheDirectPathIsADisconnectWithPartialUsage() throws Exception {
        List<Event> events = chat(llmToken, newSession(llmToken), "[[standin chunks=10 fail=mid_stream_after_3]] hi");

        assertThat(events).filteredOn(e -> e.type().equals("text")).hasSize(3);
        Event last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.json().get("code").asText()).isEqualTo("upstream_disconnected");
        assertThat(last.json().has("usage")).isTrue();
    }

    @Test
    void llmRateLimitOnTheDirectPathIsARateLimitedError() throws Exception {
        List<Event> events = chat(llmToken, newSession(llmToken), "[[standin fail=http_429]] hi");

        Event last = events.get(events.size() - 1);
        assertThat(last.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(last.json().get("retry_after").asInt()).isPositive();
    }

    @Test
    void afterAFailedTurnTheSessionAnswersTheNextMessage() throws Exception {
        String session = newSession(token);
        chat(token, session, "[[runtime stall_after=2]] hi");

        List<Event> events = chat(token, session, "hi again");

        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    }
}
