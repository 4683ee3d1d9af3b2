package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.TestPlane;
import java.math.BigInteger;
import java.time.Duration;
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
import org.springframework.beans.factory.annotation.Value;

/**
 * A plane's fire_and_forget usage and audit reports over a real /ws/vm connection: stored in PostgreSQL and
 * published on Kafka through the one way out; a report with a bad value is recorded marked invalid (never lost,
 * never a wrapped or rounded number) and answered with an error frame (docs/protocol.md, docs/events.md).
 */
class PlaneReportsIT extends PlaneProtocolSupport {

    @Value("${camel.component.kafka.brokers}")
    String brokers;

    @Test
    void aUsageReportBecomesAPlaneUsageRowAndAKafkaEventWithTheIdentityOfThePlanesLink() throws Exception {
        NewUser u = newModeUser();
        String requestId = UUID.randomUUID().toString();
        try (TestPlane plane = connectAndGreet(u)) {
            plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", Map.of("session_id", "s-1",
                    "request_id", requestId, "model", "gpt-4o-mini", "prompt_tokens", 10, "completion_tokens", 64,
                    "user_id", "someone-else")));
            assertThatNoErrorFrame(plane);
        }
        Map<String, Object> row = awaitPlaneUsage(requestId);
        assertThat(row.get("vm_id")).isEqualTo(u.vmId());
        assertThat(row.get("user_id")).isEqualTo(u.id()); // from the link, not from the report
        assertThat(row.get("org_id")).isEqualTo("org-acme");
        assertThat(row.get("model")).isEqualTo("gpt-4o-mini");
        assertThat(row.get("tokens_in")).isEqualTo(10L);
        assertThat(row.get("tokens_out")).isEqualTo(64L);
        assertThat(row.get("invalid_reason")).isNull();

        JsonNode event = consume(Set.of(row.get("id").toString())).get(0);
        assertThat(event.get("type").asText()).isEqualTo("plane_usage");
        assertThat(event.get("key").asText()).isEqualTo("org-acme");
        assertThat(event.at("/data/tokensOut").asLong()).isEqualTo(64);
        assertThat(event.at("/data/userId").asText()).isEqualTo(u.id());
    }

    @Test
    void usageReportsWithBadTokenCountsGetAnErrorFrameAndAreRecordedInvalidWithoutAWrappedNumber() throws Exception {
        NewUser u = newModeUser();
        List<Object> bad = List.of(new BigInteger("18446744073709551617"), -5, "12", 1.5, 3_000_000_000L);
        String requestPrefix = UUID.randomUUID().toString().substring(0, 8);
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 0; i < bad.size(); i++) {
                plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", Map.of("request_id",
                        requestPrefix + "-" + i, "prompt_tokens", bad.get(i), "completion_tokens", 7)));
                JsonNode error = plane.next("error", 5);
                assertThat(error.get("code").asText()).isEqualTo("invalid_report");
                assertThat(error.get("message").asText()).contains("prompt_tokens");
                assertThat(error.at("/ref/type").asText()).isEqualTo("fire_and_forget");
            }
            assertThat(plane.isOpen()).isTrue();
        }
        List<Map<String, Object>> rows = await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForList(
                "SELECT * FROM plane_usage_reports WHERE request_id LIKE ? ORDER BY request_id", requestPrefix + "-%"),
                r -> r.size() == bad.size());
        for (Map<String, Object> row : rows) {
            assertThat(row.get("invalid_reason").toString()).contains("prompt_tokens");
            assertThat(row.get("tokens_in")).isEqualTo(0L); // the bad count is not stored as any number
            assertThat(row.get("tokens_out")).isEqualTo(7L);
        }
        // what was sent is kept as sent
        assertThat(rows.get(0).get("data").toString()).contains("18446744073709551617");
        // the rejections are audited together: one row for the connection's window, counted by code
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT sum((details->'codes'->>'invalid_report')::int) FROM audit_log WHERE actor = ? "
                        + "AND action = 'plane.frames_rejected'", Integer.class, "vm:" + u.vmId())).isEqualTo(bad.size()));
    }

    @Test
    void anAuditReportIsAuditedAndOneWithABadActionOrOverTheSizeLimitIsRecordedAsAnInvalidReport() throws Exception {
        NewUser u = newModeUser();
        String marker = UUID.randomUUID().toString();
        try (TestPlane plane = connectAndGreet(u)) {
            plane.send(Map.of("type", "fire_and_forget", "kind", "audit", "data", Map.of("action", "tool.invoked",
                    "details", Map.of("marker", marker))));
            assertThatNoErrorFrame(plane);
            plane.send(Map.of("type", "fire_and_forget", "kind", "audit", "data", Map.of("action", "x'); DROP TABLE audit_log;--",
                    "details", Map.of("marker", marker))));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("invalid_report");
            Map<String, Object> large = new java.util.LinkedHashMap<>(); // the marker first: it survives the cut
            large.put("marker", marker);
            large.put("blob", "y".repeat(40_000));
            plane.send(Map.of("type", "fire_and_forget", "kind", "audit", "data", Map.of("action", "big",
                    "details", large)));
            assertThat(plane.next("error", 5).get("message").asText()).contains("plane-report-max-bytes");
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT action FROM audit_log WHERE actor = ? AND action LIKE 'plane.%' AND action <> 'plane.frames_rejected' "
                        + "AND details::text LIKE ?", String.class, "vm:" + u.vmId(), "%" + marker + "%"))
                .containsExactlyInAnyOrder("plane.tool.invoked", "plane.invalid_report", "plane.invalid_report"));
        Map<String, Object> big = jdbc.queryForMap("SELECT length(details::text) AS size, details->>'reason' AS reason "
                + "FROM audit_log WHERE actor = ? AND action = 'plane.invalid_report' AND details->>'reason' LIKE '%bytes%'",
                "vm:" + u.vmId());
        assertThat(((Number) big.get("size")).intValue()).isLessThan(20_000); // kept, cut to the limit
        // all of them on Kafka too
        List<String> ids = jdbc.queryForList("SELECT a.event_id::text FROM audit_log a WHERE a.actor = ? "
                + "AND a.details::text LIKE ?", String.class, "vm:" + u.vmId(), "%" + marker + "%");
        assertThat(consume(new HashSet<>(ids))).hasSize(3);
    }

    @Test
    void aConnectionWithABadVmTokenIsClosedAndAudited() throws Exception {
        java.sql.Timestamp before = jdbc.queryForObject("SELECT now()", java.sql.Timestamp.class);
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), "not-a-vm-token", false).awaitClose(5))
                .isEqualTo(1008);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT count(*) FROM audit_log WHERE action = 'plane.connection_rejected' AND occurred_at >= ?",
                Integer.class, before)).isPositive());
    }

    private Map<String, Object> awaitPlaneUsage(String requestId) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForList(
                "SELECT * FROM plane_usage_reports WHERE request_id = ?", requestId), r -> !r.isEmpty()).get(0);
    }

    /** Events with these ids from both topics, once each (deduped by id), within 30 s. */
    private List<JsonNode> consume(Set<String> ids) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "plane-reports-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, JsonNode> found = new java.util.LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("gateway.usage", "gateway.audit"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < ids.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    JsonNode e = JSON.readTree(r.value());
                    if (ids.contains(e.get("id").asText())) {
                        found.putIfAbsent(e.get("id").asText(), e);
                    }
                }
            }
        }
        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        return List.copyOf(found.values());
    }
}
