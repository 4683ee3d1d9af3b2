package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** Each finished turn leaves one usage record in PostgreSQL and one usage event on the Kafka topic (docs/events.md). */
class UsageRecordsIT extends GatewayTestBase {

    @Value("${camel.component.kafka.brokers}")
    String brokers;

    @Test
    void completedAndFailedTurnsAreRecordedInPostgresAndKafka() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        List<Event> ok = chat(token, session, "[[standin chunks=4 delay_ms=1]] hi");
        List<Event> failed = chat(token, session, "[[standin fail=http_500]] hi");
        String okId = ok.get(0).json().get("request_id").asText();
        String failedId = failed.get(0).json().get("request_id").asText();

        Map<String, Object> row = awaitRow(okId);
        assertThat(row.get("path")).isEqualTo("direct_llm");
        assertThat(row.get("status")).isEqualTo("completed");
        assertThat(row.get("tokens_out")).isEqualTo(4);
        assertThat(row.get("estimated")).isEqualTo(false); // the provider reported them
        assertThat((Integer) row.get("ttft_ms")).isNotNull().isBetween(0, (Integer) row.get("latency_ms"));
        assertThat(row.get("user_id")).isEqualTo("u-carol");
        Map<String, Object> failedRow = awaitRow(failedId);
        assertThat(failedRow.get("status")).isEqualTo("failed");
        assertThat(failedRow.get("error_code")).isEqualTo("upstream_error");
        assertThat(failedRow.get("ttft_ms")).isNull(); // it streamed nothing

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "usage-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("gateway.usage"));
            boolean sawOk = false;
            boolean sawFailed = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(sawOk && sawFailed) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(record.value());
                    JsonNode value = event.get("data");
                    if (!"usage".equals(event.get("type").asText())) {
                        continue;
                    }
                    if (okId.equals(value.get("requestId").asText())) {
                        sawOk = true;
                        assertThat(record.key()).isEqualTo("org-acme");
                        assertThat(event.get("schemaVersion").asInt()).isEqualTo(1);
                        assertThat(event.get("id").asText()).isEqualTo(row.get("id").toString());
                        assertThat(value.get("sessionId").asText()).isEqualTo(session);
                        assertThat(value.get("tokensOut").asInt()).isEqualTo(4);
                    }
                    if (failedId.equals(value.get("requestId").asText())) {
                        sawFailed = true;
                        assertThat(value.get("status").asText()).isEqualTo("failed");
                    }
                }
            }
            assertThat(sawOk).as("usage record of the completed turn on Kafka").isTrue();
            assertThat(sawFailed).as("usage record of the failed turn on Kafka").isTrue();
        }
    }

    private Map<String, Object> awaitRow(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM usage_records WHERE request_id = ?::uuid", requestId);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no usage record for " + requestId);
    }
}
