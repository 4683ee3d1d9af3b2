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
 * A shadow pool that is full: samples beyond it are skipped and counted (metric, shadow_skips, the summary), never
 * queued, and the primaries answer exactly as without shadows. Its own Spring context: a pool of one thread and a
 * queue of one, so the third hanging shadow finds it full.
 */
@TestPropertySource(properties = {"gateway.shadow.threads=1", "gateway.shadow.queue=1", "gateway.shadow.max-concurrent=10"})
class ShadowLimitsIT extends GatewayTestBase {

    @Test
    void samplesBeyondAFullShadowPoolAreSkippedAndCountedWhileThePrimariesAnswerAsAlways() throws Exception {
        String org = "org-shd-full-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = tokenFor("u-admin", "org-acme", "admin");
        assertThat(client.send("PUT", "/api/v1/admin/orgs/" + org + "/policy", admin, "application/json",
                "{\"shadow_percent\": 100, \"shadow_path\": \"legacy\"}".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        String user = org + "-u";
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, 'direct_llm')", user, org);
        awaitPoliciesCurrent();
        String token = tokenFor(user, org);

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
        // the admitted ones time out on the legacy path and are compared as failed shadows
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM shadow_comparisons WHERE org_id = ?", Long.class, org) == 2);
        Map<String, Object> failed = jdbc.queryForList("SELECT shadow_error_code FROM shadow_comparisons WHERE org_id = ?", org).get(0);
        assertThat(failed).containsEntry("shadow_error_code", "upstream_timeout");

        JsonNode summary = JSON.readTree(client.send("GET", "/api/v1/admin/shadow/summary?org_id=" + org, admin, null, null).body());
        assertThat(summary.at("/pairs/0/skipped/pool_full").asInt()).isEqualTo(2);
        assertThat(summary.at("/pairs/0/samples").asInt()).isEqualTo(2);
        assertThat(summary.at("/pairs/0/errors/shadow/upstream_timeout").asInt()).isEqualTo(2);
    }
}
