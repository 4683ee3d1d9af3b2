package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Tracing on, spans into an in-memory exporter: one trace per turn on each path, with the turn's span, one span per
 * path run (a fallback's failed run and its answer), the usage event's id, the plane's own span context sent back
 * on its frames, and a caller's traceparent continued. Its own Spring context (tracing is off everywhere else).
 */
@TestPropertySource(properties = "gateway.tracing.enabled=true")
@Import(TracingIT.InMemorySpans.class)
class TracingIT extends GatewayTestBase {

    @TestConfiguration
    static class InMemorySpans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }

        @Bean
        SpanProcessor inMemorySpanProcessor(InMemorySpanExporter exporter) {
            return SimpleSpanProcessor.create(exporter);
        }
    }

    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gateway.request_id");

    @Autowired
    InMemorySpanExporter spans;

    @Test
    void eachPathsTurnIsOneTraceWithTheTurnSpanAndItsPathRunsSpan() throws Exception {
        for (Map.Entry<String, String> user : Map.of("u-alice", "legacy", "u-carol", "direct_llm", "u-bob", "new").entrySet()) {
            String token = tokenFor(user.getKey(), "org-acme");
            List<Event> events = chat(token, newSession(token), "hello, please use a tool");
            List<SpanData> trace = traceOf(requestId(events), 2);

            SpanData turn = only(trace, "chat turn");
            assertThat(turn.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(turn.getAttributes().get(AttributeKey.stringKey("gateway.answering_path"))).isEqualTo(user.getValue());
            assertThat(turn.getAttributes().get(AttributeKey.stringKey("gateway.outcome"))).isEqualTo("completed");
            SpanData run = only(trace, "path " + user.getValue());
            assertThat(run.getParentSpanId()).isEqualTo(turn.getSpanId());
            assertThat(run.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(run.getAttributes().get(AttributeKey.stringKey("gateway.usage_event_id")))
                    .isEqualTo(io.chatgw.events.DescribeUsageEvent.eventId(requestId(events), 1).toString());
            if (user.getValue().equals("new")) { // the plane continued the trace: same trace id, a span of its own
                String plane = run.getAttributes().get(AttributeKey.stringKey("gateway.plane.traceparent"));
                assertThat(plane).as("the plane's traceparent on its frames").isNotNull()
                        .startsWith("00-" + turn.getTraceId() + "-").doesNotContain(run.getSpanId());
            }
        }
        assertThat(spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("chat turn"))
                .map(SpanData::getTraceId).collect(Collectors.toSet())).as("a trace per turn").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void theTraceparentReachesTheLlmFromEachPathAndTheRuntimeAndPlaneContinueTheTurnsTrace() throws Exception {
        for (Map.Entry<String, String> user : Map.of("u-alice", "legacy", "u-carol", "direct_llm", "u-bob", "new").entrySet()) {
            String token = tokenFor(user.getKey(), "org-acme");
            // [[standin echo_headers]]: the stand-in LLM answers with the traceparent it received
            List<Event> events = chat(token, newSession(token), "[[standin echo_headers]] trace me");
            String seen = JSON.readTree(textOf(events)).path("traceparent").asText(null);
            List<SpanData> trace = traceOf(requestId(events), 2);
            SpanData run = only(trace, "path " + user.getValue());
            String gatewaySpan = "00-" + run.getTraceId() + "-" + run.getSpanId() + "-01";

            assertThat(seen).as("the traceparent the LLM got on the %s path", user.getValue()).isNotNull()
                    .startsWith("00-" + only(trace, "chat turn").getTraceId() + "-");
            switch (user.getValue()) {
                case "direct_llm" -> assertThat(seen).as("the gateway's path span itself").isEqualTo(gatewaySpan);
                case "legacy" -> assertThat(seen).as("a span of the reference runtime's own, in the turn's trace")
                        .isNotEqualTo(gatewaySpan).matches("00-" + run.getTraceId() + "-[0-9a-f]{16}-01");
                default -> assertThat(seen).as("the plane's span, which it also sent back on its frames").isEqualTo(
                        run.getAttributes().get(AttributeKey.stringKey("gateway.plane.traceparent")));
            }
        }
    }

    @Test
    void aFallbackIsOneTraceWithTheFailedRunAndTheAnsweringRun() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "[[runtime fail=http_503]] hi");
        List<SpanData> trace = traceOf(requestId(events), 3);

        SpanData turn = only(trace, "chat turn");
        assertThat(turn.getEvents()).extracting(e -> e.getName()).containsExactly("fallback");
        assertThat(turn.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("reason"))).isEqualTo("http_5xx");
        SpanData failed = only(trace, "path legacy");
        SpanData answered = only(trace, "path direct_llm");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(answered.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(List.of(failed.getParentSpanId(), answered.getParentSpanId())).containsOnly(turn.getSpanId());
        assertThat(answered.getAttributes().get(AttributeKey.longKey("gateway.attempt"))).isEqualTo(2L);
    }

    @Test
    void aCallersTraceparentIsContinuedAndAMalformedOneIgnored() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var stream = client.post("/api/v1/sessions/" + newSession(token) + "/messages", token,
                JSON.writeValueAsString(Map.of("message", "hi")), Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        List<Event> events = stream.all();
        stream.close();
        SpanData turn = only(traceOf(requestId(events), 2), "chat turn");
        assertThat(turn.getTraceId()).isEqualTo(traceId);
        assertThat(turn.getParentSpanId()).isEqualTo("00f067aa0ba902b7");

        var bad = client.post("/api/v1/sessions/" + newSession(token) + "/messages", token,
                JSON.writeValueAsString(Map.of("message", "hi")), Map.of("traceparent", "00-zz-not-a-trace"));
        List<Event> badEvents = bad.all();
        bad.close();
        assertThat(badEvents).last().extracting(Event::type).isEqualTo("done");
        SpanData fresh = only(traceOf(requestId(badEvents), 2), "chat turn");
        assertThat(fresh.getParentSpanContext().isValid()).isFalse();
    }

    private List<SpanData> traceOf(String requestId, int atLeast) {
        await("spans of " + requestId).atMost(Duration.ofSeconds(15)).until(() -> spansOf(requestId).size() >= atLeast
                && spansOf(requestId).stream().anyMatch(s -> s.getName().equals("chat turn")));
        List<SpanData> trace = spansOf(requestId);
        assertThat(trace.stream().map(SpanData::getTraceId).distinct()).as("one trace for the turn").hasSize(1);
        return trace;
    }

    private List<SpanData> spansOf(String requestId) {
        return spans.getFinishedSpanItems().stream().filter(s -> requestId.equals(s.getAttributes().get(REQUEST_ID))).toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name + " in " + trace).hasSize(1);
        return named.get(0);
    }

    private static String textOf(List<Event> events) throws Exception {
        StringBuilder text = new StringBuilder();
        for (Event e : events) {
            if (e.type().equals("text")) {
                text.append(e.json().get("delta").asText());
            }
        }
        return text.toString();
    }

    private static String requestId(List<Event> events) throws Exception {
        return events.get(0).json().get("request_id").asText();
    }
}
