package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A spool that fills up (drained once at start, then not for an hour, and only 4 KB large): nothing is dropped
 * silently (each refused event is counted and logged with its content), health says so, and with
 * refuse-turns-when-spool-full new turns are refused until the spool has room again. Its own context.
 */
@TestPropertySource(properties = {
        "gateway.events.drain-interval=3600000",
        "gateway.events.spool.max-size=4KB",
        "gateway.events.refuse-turns-when-spool-full=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpoolFullIT extends GatewayTestBase {

    @Autowired
    MeterRegistry meters;
    @Autowired
    DrainEventSpool drain;
    @Autowired
    EventJournal spool;

    @Test
    void aFullSpoolRefusesEventsLoudlyShowsInHealthRefusesNewTurnsWhenConfiguredAndRecoversOnceDrained()
            throws Exception {
        String token = tokenFor("u-spoolfull", "org-acme");
        String session = newSession(token);
        int turns = 0;
        while (!spool.isFull() && turns < 50) {
            List<SseClient.Event> events = chat(token, session, "[[standin chunks=2 delay_ms=1]] hi " + turns++);
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done"); // turns go on while it fills
            Thread.sleep(50); // the turn's events are appended off its thread
        }
        assertThat(spool.isFull()).as("spool full after %d turns", turns).isTrue();
        assertThat(spool.bytes()).isLessThanOrEqualTo(4096);
        double refused = meters.find("gateway.events.refused").counters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(refused).isPositive();

        HttpResponse<String> health = client.send("GET", "/actuator/health/events", tokenFor("u-ops", "org-ops", "admin"), null, null);
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/details/spoolFull").asBoolean()).isTrue();

        try (SseClient.Stream refusedTurn = sendMessage(token, session, "hi")) {
            assertThat(refusedTurn.status()).isEqualTo(503);
        }
        HttpResponse<String> again = client.send("POST", "/api/v1/sessions/" + session + "/messages", token,
                "application/json", "{\"message\":\"hi\"}".getBytes());
        assertThat(errorOf(again).get("code").asText()).isEqualTo("events_unavailable");

        long spooled = spool.events();
        drain.process(null); // PostgreSQL takes what the spool held: room again
        assertThat(spool.events()).isZero();
        assertThat(spool.isFull()).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE user_id = 'u-spoolfull'",
                Integer.class)).isPositive().isLessThanOrEqualTo((int) spooled);
        assertThat(client.send("GET", "/actuator/health/events", tokenFor("u-ops", "org-ops", "admin"), null, null).statusCode()).isEqualTo(200);
        List<SseClient.Event> after = chat(token, session, "[[standin chunks=2 delay_ms=1]] after");
        assertThat(after.get(after.size() - 1).type()).isEqualTo("done");
    }
}
