package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A gateway whose Kafka is unreachable (nothing listens on the configured broker address), and finally one
 * whose turn dispatch pool is shut down. Its own context, closed afterwards.
 */
@TestPropertySource(properties = {
        "camel.component.kafka.brokers=127.0.0.1:1",
        "gateway.events.relay.max-block-ms=6000",
        "camel.main.shutdown-timeout=5"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DegradedGatewayIT extends GatewayTestBase {

    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("turnDispatchPool")
    ExecutorService turnDispatchPool;

    @Test
    @Order(1)
    void kafkaDownDelaysNoTurnAndEveryRecordIsInPostgresqlWithItsOutboxRow() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);

        // more turns than the Vert.x worker pool has threads (20): were a Kafka send (blocking up to 6 s here)
        // made on a turn's thread, the later turns would wait for those threads
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            long t0 = System.nanoTime();
            List<Event> events = chat(token, session, "[[standin chunks=2 delay_ms=1]] hi " + i);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
            assertThat(ms).as("turn %d took %d ms", i, ms).isLessThan(2_000);
            requestIds.add(events.get(0).json().get("request_id").asText());
        }

        for (String requestId : requestIds) {
            awaitRow(requestId);
            // the usage record and its outbox row were written in one transaction
            assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox o JOIN usage_records u ON u.id = o.event_id "
                    + "WHERE u.request_id = ?::uuid", Integer.class, requestId)).isEqualTo(1);
        }
        // the only thread waiting on Kafka is the relay's (a Camel timer thread), never a turn's or an accept thread
        List<String> blockedOnKafka = threadsInKafkaSend();
        assertThat(blockedOnKafka).noneMatch(name -> name.startsWith("turn-dispatch-") || name.startsWith("event-accept-")
                || name.contains("vert.x"));
        assertThat(refused()).isZero();
    }

    @Test
    @Order(2)
    void aTurnTheShutDownDispatchPoolRefusesEndsWithAnErrorAndFreesTheSession() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        turnDispatchPool.shutdown();

        for (int i = 0; i < 2; i++) { // the second message is not a 409: the first turn did not stay claimed
            List<Event> events = chat(token, session, "hi");
            assertThat(events).extracting(Event::type).containsExactly("route", "error");
            assertThat(events.get(1).json().get("code").asText()).isEqualTo("shutting_down");
        }
        HttpResponse<String> openai = new OpenAiHttp(port).complete(token,
                Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));
        assertThat(openai.statusCode()).as(openai.body()).isEqualTo(503);
        assertThat(OpenAiHttp.json(openai.body()).at("/error/code").asText()).isEqualTo("shutting_down");
    }

    private double refused() {
        return meters.find("gateway.events.refused").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static List<String> threadsInKafkaSend() {
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals("org.apache.kafka.clients.producer.KafkaProducer")
                        && (frame.getMethodName().equals("doSend") || frame.getMethodName().equals("waitOnMetadata"))) {
                    names.add(thread.getName());
                    return;
                }
            }
        });
        return names;
    }

    private void awaitRow(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Integer n = jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE request_id = ?::uuid",
                    Integer.class, requestId);
            if (n != null && n == 1) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no usage record in PostgreSQL for " + requestId);
    }
}
