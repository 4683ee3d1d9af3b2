package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The shadows' own limits: a full shadow pool, a shadow's own timeout and ops stopping the shadow-run route. Samples
 * that do not fit are skipped and counted (metric, shadow_skips, the summary), never queued; every admitted shadow's
 * place is given back however it ends; the primaries answer exactly as without shadows. Its own Spring context: a pool
 * of one thread and a queue of one, so the third hanging shadow finds it full; a shadow timeout of 8 s; a route stop
 * that waits 1 s for running shadows.
 */
@TestPropertySource(properties = {"gateway.shadow.threads=1", "gateway.shadow.queue=1", "gateway.shadow.max-concurrent=10",
        "gateway.shadow.timeout=8s", "gateway.admin.route-stop-timeout=1s"})
class ShadowLimitsIT extends GatewayTestBase {

    private String admin() {
        return tokenFor("u-admin", "org-acme", "admin");
    }

    /** A direct_llm user in an org of its own whose requests all get a legacy shadow; its token. */
    private String shadowedUser(String org) throws Exception {
        assertThat(client.send("PUT", "/api/v1/admin/orgs/" + org + "/policy", admin(), "application/json",
                "{\"shadow_percent\": 100, \"shadow_path\": \"legacy\"}".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        String user = org + "-u";
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, 'direct_llm')", user, org);
        awaitPoliciesCurrent();
        return tokenFor(user, org);
    }

    private double metric(String series) throws Exception {
        String body = client.send("GET", "/actuator/prometheus", null, null, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private void routeAction(String route, String action) throws Exception {
        var r = client.send("POST", "/api/v1/admin/routes/" + route + "/" + action, admin(), "application/json",
                "{\"reason\":\"test\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void samplesBeyondAFullShadowPoolAreSkippedAndCountedWhileThePrimariesAnswerAsAlways() throws Exception {
        String org = "org-shd-full-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = admin();
        String token = shadowedUser(org);

        // each shadow holds the pool's one thread until the legacy runtime's first-event timeout (3 s in tests): the
        // four messages are sent at once, so the first shadow runs, the second waits and the other two find it full
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(newSession(token));
        }
        List<SseClient.Stream> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(sendMessage(token, sessions.get(i), "[[runtime hang]] full " + i));
        }
        List<String> requestIds = new ArrayList<>();
        for (SseClient.Stream stream : streams) {
            try (stream) {
                List<Event> events = stream.all();
                assertThat(events.stream().map(Event::type).distinct().toList()).containsExactly("route", "text", "done");
                requestIds.add(events.get(0).json().get("request_id").asText());
            }
        }

        assertThat(client.send("GET", "/actuator/prometheus", null, null, null).body())
                .containsPattern("gateway_shadow_skipped_total\\{reason=\"pool_full\"} [1-9]");
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT coalesce(sum(skipped), 0) FROM shadow_skips WHERE org_id = ? AND reason = 'pool_full'", Long.class, org) >= 2);
        for (String id : requestIds) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                    "SELECT status, path, tokens_out FROM usage_records WHERE request_id = ?::uuid", id)).singleElement()
                    .satisfies(row -> assertThat(row).containsEntry("status", "completed").containsEntry("path", "direct_llm")));
        }
        // the admitted ones fail on the legacy path (no first event in time), are compared as failed shadows, and
        // their places are free again
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM shadow_comparisons WHERE org_id = ?", Long.class, org) == 2);
        assertThat(jdbc.queryForList("SELECT shadow_error_code FROM shadow_comparisons WHERE org_id = ?", String.class, org))
                .containsOnly("upstream_timeout");
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("gateway_shadow_in_flight") == 0);

        JsonNode summary = JSON.readTree(client.send("GET", "/api/v1/admin/shadow/summary?org_id=" + org, admin, null, null).body());
        assertThat(summary.at("/pairs/0/skipped/pool_full").asInt()).isEqualTo(2);
        assertThat(summary.at("/pairs/0/samples").asInt()).isEqualTo(2);
        assertThat(summary.at("/pairs/0/errors/shadow/upstream_timeout").asInt()).isEqualTo(2);
    }

    @Test
    void aShadowRunningLongerThanItsTimeoutIsCancelledComparedAsTimedOutAndGivesBackItsPlace() throws Exception {
        String org = "org-shd-slow-" + UUID.randomUUID().toString().substring(0, 8);
        String token = shadowedUser(org);
        // a 12 s answer on both paths: the primary streams it all, its shadow is cut at 8 s
        List<Event> events = chat(token, newSession(token), "[[standin chunks=120 delay_ms=100]] slow");
        assertThat(types(events)).containsExactly("route", "text", "done");
        String requestId = events.get(0).json().get("request_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM shadow_comparisons WHERE primary_request_id = ?::uuid", Long.class, requestId) == 1);
        assertThat(jdbc.queryForMap("SELECT primary_status, shadow_status, shadow_error_code FROM shadow_comparisons "
                + "WHERE primary_request_id = ?::uuid", requestId)).containsEntry("primary_status", "completed")
                .containsEntry("shadow_status", "failed").containsEntry("shadow_error_code", "shadow_timeout");
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("gateway_shadow_in_flight") == 0);
        assertThat(metric("gateway_shadow_runs_total{kind=\"shadow\",outcome=\"timeout\",target=\"legacy\"}")).isPositive();
    }

    @Test
    void stoppingTheShadowRunRouteGivesBackTheRunningShadowsPlacesAndSkipsSamplesUntilItRunsAgain() throws Exception {
        String org = "org-shd-stop-" + UUID.randomUUID().toString().substring(0, 8);
        String token = shadowedUser(org);
        double stoppedBefore = metric("gateway_shadow_skipped_total{reason=\"route_stopped\"}");
        try {
            // a shadow streaming a 6 s answer is running when the route is stopped; so is its primary
            try (SseClient.Stream primary = sendMessage(token, newSession(token), "[[standin chunks=60 delay_ms=100]] stop 1")) {
                assertThat(primary.next().type()).isEqualTo("route");
                await().atMost(Duration.ofSeconds(5)).until(() -> metric("gateway_shadow_in_flight") == 1);
                routeAction("shadow-run", "stop"); // waits 1 s for it, then gives up on it
                assertThat(metric("gateway_shadow_in_flight")).as("its place given back").isZero();
                assertThat(primary.all()).extracting(Event::type).as("the primary streams on").contains("text").last()
                        .isEqualTo("done");
            }

            // while stopped: the primary answers, the sample is skipped and counted, nothing is held
            List<Event> whileStopped = chat(token, newSession(token), "stop 2");
            assertThat(types(whileStopped)).containsExactly("route", "text", "done");
            assertThat(metric("gateway_shadow_skipped_total{reason=\"route_stopped\"}")).isEqualTo(stoppedBefore + 1);
            assertThat(metric("gateway_shadow_in_flight")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                    "SELECT coalesce(sum(skipped), 0) FROM shadow_skips WHERE org_id = ? AND reason = 'route_stopped'", Long.class, org) == 1);
        } finally {
            routeAction("shadow-run", "start");
        }
        // started again: samples run and are compared, and their places are given back
        String requestId = chat(token, newSession(token), "stop 3").get(0).json().get("request_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM shadow_comparisons WHERE primary_request_id = ?::uuid", Long.class, requestId) == 1);
        assertThat(jdbc.queryForMap("SELECT shadow_status, diverged FROM shadow_comparisons WHERE primary_request_id = ?::uuid",
                requestId)).containsEntry("shadow_status", "completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("gateway_shadow_in_flight") == 0);
        // the shadow given up at the stop: at most one pair, a failed one if its end was still compared
        assertThat(jdbc.queryForList("SELECT shadow_status FROM shadow_comparisons WHERE org_id = ? AND primary_request_id <> ?::uuid",
                String.class, org, requestId)).hasSizeLessThanOrEqualTo(1).doesNotContain("completed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM shadow_comparisons WHERE org_id = ?", Long.class, org))
                .as("nothing of the skipped sample").isLessThanOrEqualTo(2);
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).distinct().toList();
    }
}
