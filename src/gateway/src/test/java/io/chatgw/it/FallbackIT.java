package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A path that fails before its first event reached the client falls back to its fallback target (direct_llm by
 * default) on the same stream: `route`, `fallback`, the fallback's answer, `done` naming the path that answered and
 * `fallback_from`. Real HTTP to the reference runtime and the stand-in LLM, a launched reference plane, real
 * PostgreSQL for the usage records. (Failures after the first event: PathFailuresIT; breakers: BreakersIT.)
 */
class FallbackIT extends GatewayTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    io.chatgw.plane.link.PlaneRegistry planes;
    @org.springframework.beans.factory.annotation.Autowired
    io.chatgw.plane.launch.LaunchedPlanes launched;

    @Test
    void aLegacyRuntimeAnswering503FallsBackToTheDirectLlmOnTheSameStream() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "[[runtime fail=http_503]] hi");

        assertFellBack(events, "legacy", "direct_llm", "http_5xx");
        ChatPathsIT.assertStrictlyIncreasingIds(events);
        assertThat(events.get(0).json().get("path").asText()).isEqualTo("legacy");
        Event done = events.get(events.size() - 1);
        assertThat(done.json().at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(done.json().get("model").asText()).isEqualTo("standin-1");
    }

    @Test
    void bothRunsOfAFallenBackTurnAreRecordedAndOnlyTheAnswerCarriesItsTokens() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "[[runtime fail=http_503]] hi");
        String requestId = events.get(0).json().get("request_id").asText();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(usageRows(requestId)).hasSize(2));
        List<Map<String, Object>> rows = usageRows(requestId);
        assertThat(rows.get(0)).containsEntry("attempt", 1).containsEntry("path", "legacy")
                .containsEntry("status", "failed").containsEntry("error_code", "upstream_error")
                .containsEntry("fell_back", true).containsEntry("tokens_out", 0);
        assertThat(rows.get(1)).containsEntry("attempt", 2).containsEntry("path", "direct_llm")
                .containsEntry("status", "completed").containsEntry("fallback_from", "legacy")
                .containsEntry("fell_back", false);
        assertThat((Integer) rows.get(1).get("tokens_out")).isPositive();
    }

    @Test
    void aLegacyRuntimeAnswering429FallsBack() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        assertFellBack(chat(token, newSession(token), "[[runtime fail=http_429]] hi"), "legacy", "direct_llm", "http_429");
    }

    @Test
    void aLegacyRuntimeAnsweringWithoutAnEventStreamFallsBack() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        assertFellBack(chat(token, newSession(token), "[[runtime fail=not_sse]] hi"),
                "legacy", "direct_llm", "not_an_event_stream");
    }

    @Test
    void aLegacyRuntimeSilentPastItsFirstEventTimeoutFallsBack() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        assertFellBack(chat(token, newSession(token), "[[runtime first_event_delay_ms=10000]] hi"),
                "legacy", "direct_llm", "first_event_timeout");
    }

    /**
     * A plane that exits before its first event is replaced and the turn resumes without a word (LocalKillPointsIT,
     * DockerKillPointsIT); when recovery cannot happen, here a crash loop (this crash is the user's third within the
     * window), the turn fails before its first event and falls back.
     */
    @Test
    void aPlaneThatExitsBeforeItsFirstEventAndCannotBeReplacedFallsBack() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        for (int i = 0; i < 2; i++) { // two earlier crashes of the user's plane, within the crash-loop window
            launched.exited(user, "vm-" + user, "exited", "test: an earlier crash");
        }
        List<Event> events = chat(token, newSession(token), "[[plane exit_after=0]] hi");

        assertFellBack(events, "new", "direct_llm", "plane_unavailable");
    }

    @Test
    void aPlaneDeclaredDeadAfterItsFirstEventsEndsTheTurnWithAnErrorAndNeverFallsBack() throws Exception {
        // (a plane that crashes is replaced and its turn resumes: ReferencePlaneIT, DockerPlaneIT; one that is gone
        // for good after its first events ends the turn in-band)
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        var stream = sendMessage(token, newSession(token), "[[standin chunks=100 delay_ms=50]] hi");
        List<Event> events = new java.util.ArrayList<>();
        Event read;
        do {
            read = stream.next();
            assertThat(read.type()).isNotIn("done", "error");
            events.add(read);
        } while (!read.type().equals("text"));
        planes.declareDead(planes.liveLink(user), "test: gone for good");
        events.addAll(stream.all());
        stream.close();
        String requestId = events.get(0).json().get("request_id").asText();

        assertThat(events).extracting(Event::type).doesNotContain("fallback", "done");
        assertThat(events).filteredOn(e -> e.type().equals("text")).isNotEmpty();
        Event last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.json().get("code").asText()).isEqualTo("vm_unavailable");
        assertThat(last.json().get("path").asText()).isEqualTo("new");
        assertThat(last.json().has("usage")).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(usageRows(requestId))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("path", "new")
                        .containsEntry("status", "failed").containsEntry("error_code", "vm_unavailable")));
    }

    @Test
    void aFailureTheRuntimeReportsItselfIsNotAFallbackCase() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "[[standin fail=http_500]] hi");

        assertThat(events).extracting(Event::type).containsExactly("route", "error");
        assertThat(events.get(1).json().get("code").asText()).isEqualTo("runtime_error");
    }

    @Test
    void fallbacksMidStreamFailuresAndBreakerStatesAreOnPrometheus() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        chat(token, newSession(token), "[[runtime fail=http_503]] hi");
        chat(token, newSession(token), "[[runtime stall_after=2]] hi");

        String metrics = client.send("GET", "/actuator/prometheus", null, null, null).body();

        assertThat(metrics).containsPattern("gateway_fallbacks_total\\{from=\"legacy\",reason=\"http_5xx\",to=\"direct_llm\"} [1-9]");
        assertThat(metrics).containsPattern("gateway_midstream_failures_total\\{path=\"legacy\"} [1-9]");
        assertThat(metrics).contains("resilience4j_circuitbreaker_state{name=\"legacy\",state=\"closed\"} 1.0");
        assertThat(metrics).contains("resilience4j_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"legacy\"}");
    }

    static void assertFellBack(List<Event> events, String from, String to, String reason) {
        assertThat(events.get(0).type()).isEqualTo("route");
        assertThat(events.get(1).type()).isEqualTo("fallback");
        assertThat(events.get(1).json().get("from").asText()).isEqualTo(from);
        assertThat(events.get(1).json().get("to").asText()).isEqualTo(to);
        assertThat(events.get(1).json().get("reason").asText()).isEqualTo(reason);
        assertThat(events.subList(2, events.size() - 1)).extracting(Event::type).containsOnly("text");
        assertThat(events.subList(2, events.size() - 1)).isNotEmpty();
        Event done = events.get(events.size() - 1);
        assertThat(done.type()).isEqualTo("done");
        assertThat(done.json().get("path").asText()).isEqualTo(to);
        assertThat(done.json().get("fallback_from").asText()).isEqualTo(from);
    }

    private List<Map<String, Object>> usageRows(String requestId) {
        return jdbc.queryForList("SELECT * FROM usage_records WHERE request_id = ?::uuid ORDER BY attempt", requestId);
    }

    /** A user of its own (its own plane) on the new path. */
    private String newPlaneUser() {
        String user = "u-plane-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, 'org-acme', 'new')", user);
        return user;
    }
}
