package io.chatgw.events;

import static io.chatgw.events.StoppableBackends.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayProcess;
import io.chatgw.support.SseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A shadow pair (docs/shadow.md) compared while PostgreSQL is stopped for real, under the whole gateway as a process
 * of its own: the pair is a {@code shadow_comparison} event, so it waits in the spool like any event and is stored
 * once when PostgreSQL is back (docs/events.md, "Stopping and crashing").
 */
class ShadowPairUnderStoppedPostgresIT {

    static StoppableBackends backends;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws Exception {
        backends = StoppableBackends.start(3);
        jdbc = backends.jdbc();
    }

    @AfterAll
    static void stop() throws Exception {
        backends.close();
    }

    @Test
    void aShadowPairComparedWhilePostgresqlIsStoppedWaitsInTheSpoolAndIsStoredOnceWhenItIsBack() throws Exception {
        Path spool = Files.createTempDirectory("crash-spool-");
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = "u-shd-" + run;
        String org = "org-shd-" + run;
        try (GatewayProcess gateway = GatewayProcess.start(backends.gatewayConfig(spool, "10s",
                // the pair must be a shadow one (a noise sample would run direct_llm twice): no random noise share
                Map.of("gateway.shadow.noise-share", "0")))) {
            String token = gateway.token(user, org);
            String session = gateway.newSession(token); // provisions the user
            jdbc.update("UPDATE users SET execution_mode = 'direct_llm' WHERE id = ?", user);
            jdbc.update("INSERT INTO route_policies (scope, scope_id, canary_percent, shadow_percent, shadow_path) "
                    + "VALUES ('org', ?, NULL, 100, 'legacy')", org);
            await("the org's shadow policy applies").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> {
                        gateway.chat(token, session, "warm up");
                        return jdbc.queryForObject("SELECT count(*) FROM shadow_comparisons WHERE org_id = ?", Integer.class, org) > 0;
                    });
            double accepted = metric(gateway, "gateway_events_accepted_total{type=\"shadow_comparison\"}");

            // the primary (direct_llm) answers at once; its legacy shadow 6 s later, when PostgreSQL is stopped
            List<SseClient.Event> events = gateway.chat(token, gateway.newSession(token),
                    "[[runtime first_event_delay_ms=6000]] while postgresql is down");
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
            String requestId = events.get(0).json().get("request_id").asText();
            backends.stopPostgres();
            try {
                await("the pair accepted into the spool").atMost(Duration.ofSeconds(60)).until(() ->
                        metric(gateway, "gateway_events_accepted_total{type=\"shadow_comparison\"}") > accepted);
            } finally {
                backends.startPostgres();
            }
            await("the pair written once PostgreSQL is back").atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM shadow_comparisons WHERE primary_request_id = ?::uuid", Integer.class, requestId) == 1);
            assertThat(jdbc.queryForMap("SELECT shadow_path, shadow_status FROM shadow_comparisons WHERE primary_request_id = ?::uuid",
                    requestId)).containsEntry("shadow_path", "legacy").containsEntry("shadow_status", "completed");
        }
    }
}
