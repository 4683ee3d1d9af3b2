package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The one way out in the whole gateway (routes/events.yaml): usage and audit events of real turns on both APIs
 * reach PostgreSQL with their outbox rows, and Kafka once the relay published them.
 */
class EventOutboxIT extends GatewayTestBase {

    @Value("${camel.component.kafka.brokers}")
    String brokers;
    @Autowired
    MeterRegistry meters;

    @Test
    void everyTurnOnBothApisLeavesOneUsageRecordWhoseOutboxRowIsPublishedOnceKafkaAcknowledgedIt() throws Exception {
        String user = "u-evt-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokenFor(user, "org-events");
        String session = newSession(token);
        List<Event> turn = chat(token, session, "[[standin chunks=3 delay_ms=1]] hi");
        assertThat(turn.get(turn.size() - 1).type()).isEqualTo("done");
        HttpResponse<String> openai = new OpenAiHttp(port).complete(token,
                Map.of("messages", List.of(Map.of("role", "user", "content", "[[standin chunks=2 delay_ms=1]] hi"))));
        assertThat(openai.statusCode()).as(openai.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT count(*) FROM usage_records u JOIN event_outbox o ON o.event_id = u.id "
                        + "WHERE u.user_id = ? AND o.published_at IS NOT NULL AND o.topic = 'gateway.usage'",
                Integer.class, user)).isEqualTo(2));
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, tokens_out FROM usage_records WHERE user_id = ? "
                + "ORDER BY created_at", user);
        assertThat(rows).extracting(r -> r.get("tokens_out")).containsExactly(3, 2);

        List<JsonNode> usage = consume("gateway.usage", e -> user.equals(e.at("/data/userId").asText()), 2);
        assertThat(usage).extracting(e -> e.get("id").asText())
                .containsExactlyInAnyOrder(rows.get(0).get("id").toString(), rows.get(1).get("id").toString());
        assertThat(usage).allSatisfy(e -> {
            assertThat(e.get("schemaVersion").asInt()).isEqualTo(1);
            assertThat(e.get("key").asText()).isEqualTo("org-events");
        });
        assertThat(meters.find("gen_ai.client.token.usage").tag("org", "org-events").tag("gen_ai.token.type", "output")
                .summary()).isNotNull();
    }

    @Test
    void aProvisionedUserASessionAndEachTurnDecisionAreAuditedThroughTheOutbox() throws Exception {
        String user = "u-aud-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokenFor(user, "org-events");
        String session = newSession(token);
        List<Event> ok = chat(token, session, "[[standin chunks=1 delay_ms=1]] hi");
        List<Event> failed = chat(token, session, "[[standin fail=http_500]] hi");
        String okId = ok.get(0).json().get("request_id").asText();
        String failedId = failed.get(0).json().get("request_id").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT a.action FROM audit_log a JOIN event_outbox o ON o.event_id = a.event_id "
                        + "WHERE (a.actor = ? OR a.target = ?) AND o.published_at IS NOT NULL ORDER BY a.occurred_at, a.id",
                String.class, user, user)).containsExactlyInAnyOrder("user.provisioned", "session.created",
                "request.accepted", "request.accepted", "request.failed"));
        Map<String, Object> accepted = jdbc.queryForMap("SELECT target, details::text AS details FROM audit_log "
                + "WHERE request_id = ?::uuid AND action = 'request.accepted'", okId);
        assertThat(accepted.get("target")).isEqualTo(session);
        assertThat(JSON.readTree(accepted.get("details").toString()).get("mode").asText()).isNotBlank();
        assertThat(JSON.readTree(accepted.get("details").toString()).get("reason").asText()).isNotBlank();
        String failure = jdbc.queryForObject("SELECT details->>'error_code' FROM audit_log "
                + "WHERE request_id = ?::uuid AND action = 'request.failed'", String.class, failedId);
        assertThat(failure).isNotBlank(); // the failing path's code (runtime_error on legacy, upstream_error on direct_llm)

        List<JsonNode> audit = consume("gateway.audit", e -> okId.equals(e.at("/data/requestId").asText()), 1);
        assertThat(audit.get(0).get("key").asText()).isEqualTo(session);
        assertThat(audit.get(0).at("/data/action").asText()).isEqualTo("request.accepted");
    }

    @Test
    void aFloodOfBadTokensIsAnsweredInFullButAuditedAtMostTenTimesPerSourceAndMinute() throws Exception {
        // the limit is per gateway instance (each test context is one): count only what this flood left
        java.sql.Timestamp t0 = jdbc.queryForObject("SELECT now()", java.sql.Timestamp.class);
        long minute = System.currentTimeMillis() / 60_000;
        for (int i = 0; i < 30; i++) {
            assertThat(client.send("POST", "/api/v1/sessions", "Bearer not-a-token-" + i, null, null).statusCode())
                    .isEqualTo(401);
        }
        Thread.sleep(1000); // the audit events go out through the spool
        java.util.function.Supplier<Integer> audited = () -> jdbc.queryForObject("SELECT count(*) FROM audit_log "
                + "WHERE action = 'auth.failed' AND target = '127.0.0.1' AND occurred_at >= ?", Integer.class, t0);
        int rows = audited.get();
        assertThat(rows).isLessThanOrEqualTo(System.currentTimeMillis() / 60_000 == minute ? 10 : 20);
        if (rows == 0) { // this minute's budget was used by earlier tests: the next minute audits again
            Thread.sleep(60_000 - System.currentTimeMillis() % 60_000 + 500);
            assertThat(client.send("POST", "/api/v1/sessions", "Bearer not-a-token", null, null).statusCode()).isEqualTo(401);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> audited.get() > 0);
        JsonNode details = JSON.readTree(jdbc.queryForObject("SELECT details::text FROM audit_log WHERE action = "
                + "'auth.failed' AND occurred_at >= ? ORDER BY occurred_at DESC LIMIT 1", String.class, t0));
        assertThat(details.get("code").asText()).isNotBlank();
    }

    @Test
    void aFallbackIsAuditedWithThePathThatFailedAndThePathThatAnswered() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "[[runtime fail=http_503]] audited fallback");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
        String requestId = events.get(0).json().get("request_id").asText();
        JsonNode details = JSON.readTree(await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForList(
                "SELECT details::text FROM audit_log WHERE request_id = ?::uuid AND action = 'request.fallback'",
                String.class, requestId), rows -> rows.size() == 1).get(0));
        assertThat(details.get("fallback_from").asText()).isEqualTo("legacy");
        assertThat(details.get("answered_by").asText()).isEqualTo("direct_llm");
    }

    @Test
    void theDailyUsageViewSumsEachOrgUserModelAndPathAndLeavesShadowRunsOut() throws Exception {
        String user = "u-day-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokenFor(user, "org-daily");
        String session = newSession(token);
        chat(token, session, "[[standin chunks=3 delay_ms=1]] one");
        chat(token, session, "[[standin chunks=4 delay_ms=1]] two");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT count(*) FROM usage_records WHERE user_id = ?", Integer.class, user)).isEqualTo(2));
        Map<String, Object> real = jdbc.queryForMap("SELECT path, model FROM usage_records WHERE user_id = ? LIMIT 1", user);
        jdbc.update("INSERT INTO usage_records (id, request_id, attempt, session_id, user_id, org_id, path, status, model, "
                + "tokens_in, tokens_out, latency_ms) VALUES (gen_random_uuid(), gen_random_uuid(), 1, ?::uuid, ?, "
                + "'org-daily', ?, 'shadow', ?, 100, 100, 5)", session, user, real.get("path"), real.get("model"));
        jdbc.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY usage_daily"); // what routes/events.yaml's timer runs
        List<Map<String, Object>> days = jdbc.queryForList("SELECT * FROM usage_daily WHERE user_id = ?", user);
        assertThat(days).hasSize(1);
        assertThat(days.get(0).get("org_id")).isEqualTo("org-daily");
        assertThat(((Number) days.get(0).get("calls")).intValue()).isEqualTo(2); // the shadow run is not billed
        assertThat(((Number) days.get(0).get("tokens_out")).intValue()).isEqualTo(7);
    }

    @Test
    void theEventsHealthShowsTheSpoolAndTheOutbox() throws Exception {
        HttpResponse<String> health = client.send("GET", "/actuator/health/events", tokenFor("u-ops", "org-ops", "admin"), null, null);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.at("/details/spoolFull").asBoolean()).isFalse();
        assertThat(body.at("/details/spoolMaxBytes").asLong()).isPositive();
        assertThat(body.at("/details/postgresqlDown").asBoolean()).isFalse();
    }

    /** Events of a topic matching {@code which}, deduped by event id, until {@code expected} of them or 30 s. */
    private List<JsonNode> consume(String topic, java.util.function.Predicate<JsonNode> which, int expected) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "events-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonNode> found = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    JsonNode e = JSON.readTree(r.value());
                    if (which.test(e) && ids.add(e.get("id").asText())) {
                        found.add(e);
                    }
                }
            }
        }
        assertThat(found).as("events on %s", topic).hasSize(expected);
        return found;
    }
}
