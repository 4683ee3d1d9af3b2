package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExecutionMode;
import io.chatgw.monitor.FallbackStore;
import io.chatgw.monitor.MonitorBeans;
import io.chatgw.monitor.MonitorClock;
import io.chatgw.monitor.MonitorMeters;
import io.chatgw.monitor.MonitorProperties;
import io.chatgw.monitor.PathExecution;
import io.chatgw.monitor.RuntimeMonitor;
import io.chatgw.resilience.FallbackTargets;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The runtime monitor in the running gateway: an org whose legacy traffic fails is routed to the direct LLM
 * ({@code route} reason {@code auto_fallback} with the threshold) while other orgs are not; its admin endpoints;
 * and a trip or reset on one instance seen by a second instance on the same database within a second. Its own
 * Spring context (small min-calls), so no other test's failures move traffic here, nor these failures there.
 */
@TestPropertySource(properties = {"gateway.monitor.min-calls=4", "gateway.monitor.global-min-calls=1000000"})
class AutoFallbackIT extends GatewayTestBase {

    @Autowired
    RuntimeMonitor monitor;
    @Autowired
    MonitorProperties config;
    @Autowired
    DataSource dataSource;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ObjectMapper json;
    @Autowired
    FallbackTargets targets;

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return client.send(method, path, tokenFor("u-admin", "org-acme", "admin"), body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static Event route(List<Event> events) {
        assertThat(events.get(0).type()).isEqualTo("route");
        return events.get(0);
    }

    @Test
    void anOrgWhoseLegacyTrafficFailsIsSentToTheDirectLlmWithTheThresholdInTheRouteEventAndOtherOrgsAreNot()
            throws Exception {
        String org = fresh("org-af");
        String token = tokenFor(fresh("u-af"), org);
        String otherToken = tokenFor(fresh("u-af"), fresh("org-af"));
        String session = newSession(token);
        for (int i = 0; i < 4; i++) {
            List<Event> failed = chat(token, session, "[[runtime fail=http_503]] hi");
            assertThat(route(failed).json().get("path").asText()).isEqualTo("legacy");
            // each one falls back on its own (FallbackIT); its failed legacy run is what the monitor counts
            assertThat(failed.get(1).json().get("reason").asText()).isEqualTo("http_5xx");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> admin("GET", "/api/v1/runtime/fallback/status", null).body()
                .contains("\"org_id\":\"" + org + "\""));

        List<Event> moved = chat(token, session, "hi");
        JsonNode routed = route(moved).json();
        assertThat(routed.get("path").asText()).isEqualTo("direct_llm");
        assertThat(routed.get("reason").asText()).isEqualTo("auto_fallback");
        assertThat(routed.get("threshold").asText()).isEqualTo("error_rate");
        assertThat(routed.get("fallback_from").asText()).isEqualTo("legacy");
        assertThat(moved.get(moved.size() - 1).type()).isEqualTo("done");
        assertThat(moved.get(moved.size() - 1).json().get("path").asText()).isEqualTo("direct_llm");

        List<Event> other = chat(otherToken, newSession(otherToken), "hi");
        assertThat(route(other).json().get("path").asText()).isEqualTo("legacy");
        assertThat(route(other).json().has("threshold")).isFalse();

        JsonNode status = JSON.readTree(admin("GET", "/api/v1/runtime/fallback/status", null).body());
        JsonNode trip = status.get("orgs").findParents("org_id").stream()
                .filter(n -> n.get("org_id").asText().equals(org)).findFirst().orElseThrow();
        assertThat(trip.get("path").asText()).isEqualTo("legacy");
        assertThat(trip.get("threshold").asText()).isEqualTo("error_rate");
        assertThat(trip.get("fallback_to").asText()).isEqualTo("direct_llm");
        assertThat(trip.get("figures").get("window").get("calls").asInt()).isEqualTo(4);
        assertThat(trip.get("figures").get("window").get("error_rate").asDouble()).isEqualTo(1.0);
        JsonNode metrics = JSON.readTree(admin("GET", "/api/v1/runtime/metrics/" + org, null).body());
        assertThat(metrics.get("paths").get("legacy").get("errors").asInt()).isEqualTo(4);
        // the four fallback answers and the moved turn
        assertThat(metrics.get("paths").get("direct_llm").get("successes").asInt()).isEqualTo(5);
        assertThat(metrics.get("paths").get("direct_llm").get("first_event_ms").get("p50").asDouble()).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE org_id = ? AND action = 'runtime_fallback.tripped'",
                Integer.class, org)).isEqualTo(1);
        String prometheus = client.send("GET", "/actuator/prometheus", null, null, null).body();
        assertThat(prometheus).contains("gateway_auto_fallback_active{org=\"" + org + "\",path=\"legacy\"} 1.0");

        HttpResponse<String> reset = admin("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\":\"" + org + "\"}");
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(JSON.readTree(reset.body()).get("ended").get(0).get("path").asText()).isEqualTo("legacy");
        assertThat(route(chat(token, session, "hi")).json().get("path").asText()).isEqualTo("legacy");
        assertThat(jdbc.queryForList("SELECT actor FROM audit_log WHERE org_id = ? AND action = 'runtime_fallback.reset'",
                String.class, org)).containsExactly("u-admin");
        assertThat(client.send("GET", "/actuator/prometheus", null, null, null).body())
                .contains("gateway_auto_fallback_active{org=\"" + org + "\",path=\"legacy\"} 0.0");
    }

    @Test
    void theEndpointsNeedAnAdminAndAnswerBadInputWithAClearError() throws Exception {
        String user = tokenFor("u-alice", "org-acme");
        for (String path : List.of("/api/v1/runtime/metrics", "/api/v1/runtime/metrics/org-acme",
                "/api/v1/runtime/fallback/status")) {
            assertThat(client.send("GET", path, null, null, null).statusCode()).as(path).isEqualTo(401);
            HttpResponse<String> forbidden = client.send("GET", path, user, null, null);
            assertThat(forbidden.statusCode()).as(path).isEqualTo(403);
            assertThat(errorOf(forbidden).get("code").asText()).isEqualTo("forbidden");
            assertThat(admin("GET", path, null).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(client.send("POST", "/api/v1/runtime/fallback/reset", null, null, null).statusCode()).isEqualTo(401);
        assertThat(client.send("POST", "/api/v1/runtime/fallback/reset", user, null, null).statusCode()).isEqualTo(403);

        JsonNode metrics = JSON.readTree(admin("GET", "/api/v1/runtime/metrics", null).body());
        assertThat(metrics.get("window_seconds").asInt()).isEqualTo(300);
        assertThat(metrics.get("paths").get("legacy").has("timeout_rate")).isTrue();
        assertThat(metrics.get("paths").get("new").get("total_ms").has("p99")).isTrue();
        JsonNode status = JSON.readTree(admin("GET", "/api/v1/runtime/fallback/status", null).body());
        assertThat(status.get("global").get("legacy").get("active").asBoolean()).isFalse();

        HttpResponse<String> unknownOrg = admin("GET", "/api/v1/runtime/metrics/org-does-not-exist", null);
        assertThat(unknownOrg.statusCode()).isEqualTo(404);
        assertThat(errorOf(unknownOrg).get("code").asText()).isEqualTo("org_not_found");
        assertThat(admin("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\":\"org-does-not-exist\"}").statusCode())
                .isEqualTo(404);

        HttpResponse<String> unknownKeys = admin("POST", "/api/v1/runtime/fallback/reset", "{\"org\":\"org-acme\",\"force\":true}");
        assertThat(unknownKeys.statusCode()).isEqualTo(400);
        assertThat(errorOf(unknownKeys).get("code").asText()).isEqualTo("unknown_field");
        assertThat(errorOf(unknownKeys).get("message").asText()).contains("org").contains("force");
        assertThat(errorOf(admin("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\":7}")).get("code").asText())
                .isEqualTo("invalid_org_id");
        assertThat(errorOf(admin("POST", "/api/v1/runtime/fallback/reset", "{\"path\":\"fast\"}")).get("code").asText())
                .isEqualTo("invalid_path");
        assertThat(errorOf(admin("POST", "/api/v1/runtime/fallback/reset", "[1]")).get("code").asText())
                .isEqualTo("malformed_json");
        assertThat(admin("POST", "/api/v1/runtime/fallback/reset", "{nope").statusCode()).isEqualTo(400);

        HttpResponse<String> global = admin("POST", "/api/v1/runtime/fallback/reset", null);
        assertThat(global.statusCode()).as(global.body()).isEqualTo(200);
        assertThat(JSON.readTree(global.body()).get("scope").asText()).isEqualTo("global");
        assertThat(admin("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\":\"org-acme\",\"path\":\"legacy\"}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aTripAndAResetOnOneInstanceAreSeenByASecondInstanceOnTheSameDatabaseWithinASecond() throws Exception {
        // the second instance polls once a minute: only NOTIFY can bring a change within a second
        MonitorProperties slowPoll = new MonitorProperties(true, config.window(), config.minCalls(),
                config.globalMinCalls(), config.trip(), config.restore(), config.halfOpen(), config.timeoutCodes(),
                config.uncountedCodes(), Duration.ofMinutes(1), config.reconnectDelay());
        RuntimeMonitor second = new RuntimeMonitor(slowPoll, Map.of(ExecutionMode.LEGACY, Duration.ofSeconds(3),
                ExecutionMode.DIRECT_LLM, Duration.ofSeconds(2), ExecutionMode.NEW, Duration.ofSeconds(4)), targets,
                new FallbackStore(jdbc, tx, json), MonitorBeans.listenConnections(dataSource),
                new MonitorMeters(new SimpleMeterRegistry()), MonitorClock.SYSTEM, "second-instance");
        second.start();
        try {
            String org = fresh("org-two");
            jdbc.update("INSERT INTO organizations (id) VALUES (?)", org);
            await().atMost(Duration.ofSeconds(5)).until(second::listening);

            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                monitor.record(new PathExecution(org, ExecutionMode.LEGACY, PathExecution.Result.ERROR, null,
                        Duration.ofMillis(20)));
            }
            assertThat(monitor.activeFor(org, ExecutionMode.LEGACY)).isPresent();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                    .until(() -> second.activeFor(org, ExecutionMode.LEGACY).isPresent());
            long tripMillis = (System.nanoTime() - t0) / 1_000_000;

            t0 = System.nanoTime();
            assertThat(admin("POST", "/api/v1/runtime/fallback/reset", "{\"org_id\":\"" + org + "\"}").statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                    .until(() -> second.activeFor(org, ExecutionMode.LEGACY).isEmpty());
            long resetMillis = (System.nanoTime() - t0) / 1_000_000;

            // and the other way: a trip reset on the second instance ends it on the first
            for (int i = 0; i < 4; i++) {
                monitor.record(new PathExecution(org, ExecutionMode.LEGACY, PathExecution.Result.TIMEOUT, null,
                        Duration.ofSeconds(3)));
            }
            await().atMost(Duration.ofSeconds(1)).until(() -> second.activeFor(org, ExecutionMode.LEGACY).isPresent());
            t0 = System.nanoTime();
            second.reset(org, Optional.of(ExecutionMode.LEGACY), "ops", "org-acme");
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                    .until(() -> monitor.activeFor(org, ExecutionMode.LEGACY).isEmpty());
            long backMillis = (System.nanoTime() - t0) / 1_000_000;

            System.out.printf("runtime monitor propagation: trip %d ms, reset %d ms, reset from the second %d ms%n",
                    tripMillis, resetMillis, backMillis);
            assertThat(List.of(tripMillis, resetMillis, backMillis)).allMatch(ms -> ms < 1000);
        } finally {
            second.stop();
        }
    }
}
