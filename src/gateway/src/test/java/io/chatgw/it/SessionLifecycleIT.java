package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.openai.DeleteExpiredEphemeralSessions;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** sessions.last_active_at follows use; per-request (ephemeral) sessions are deleted once unused long enough. */
class SessionLifecycleIT extends GatewayTestBase {

    @Autowired
    DeleteExpiredEphemeralSessions cleanup;

    @Test
    void aFinishedTurnMarksTheSessionActive() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        jdbc.update("UPDATE sessions SET last_active_at = now() - interval '3 days' WHERE id = ?::uuid", session);

        chat(token, session, "hi");

        // written with the turn's usage record, after the client had its last event
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT last_active_at > now() - interval '1 minute' FROM sessions WHERE id = ?::uuid", Boolean.class,
                session)).isTrue());
    }

    @Test
    void ephemeralSessionsUnusedForTheRetentionAreDeletedTheirUsageRecordsKept() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        OpenAiHttp openai = new OpenAiHttp(port);
        UUID perRequest = sessionOf(openai.complete(token, Map.of("messages", List.of(Map.of("role", "user", "content", "hi")))));
        UUID recentPerRequest = sessionOf(openai.complete(token, Map.of("messages", List.of(Map.of("role", "user", "content", "hi")))));
        UUID named = sessionOf(openai.complete(token, Map.of("user", "lifecycle-" + System.nanoTime(),
                "messages", List.of(Map.of("role", "user", "content", "hi")))));
        UUID nativeSession = UUID.fromString(newSession(token));
        assertThat(ephemeral(perRequest)).isTrue();
        assertThat(ephemeral(named)).isFalse();
        assertThat(ephemeral(nativeSession)).isFalse();
        for (UUID old : List.of(perRequest, named, nativeSession)) {
            jdbc.update("UPDATE sessions SET last_active_at = now() - interval '2 days' WHERE id = ?", old);
        }

        int deleted = cleanup.deleteUnusedFor(Duration.ofHours(24));

        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(exists(perRequest)).isFalse();
        assertThat(exists(recentPerRequest)).isTrue();   // used within the retention
        assertThat(exists(named)).isTrue();              // not ephemeral, however old
        assertThat(exists(nativeSession)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE session_id = ?", Integer.class, perRequest))
                .isEqualTo(1);
    }

    private UUID sessionOf(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String requestId = r.headers().firstValue("x-gateway-request-id").orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<UUID> ids = jdbc.queryForList("SELECT session_id FROM usage_records WHERE request_id = ?::uuid",
                    UUID.class, requestId);
            if (!ids.isEmpty()) {
                return ids.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no usage record for " + requestId);
    }

    private boolean ephemeral(UUID session) {
        return jdbc.queryForObject("SELECT ephemeral FROM sessions WHERE id = ?", Boolean.class, session);
    }

    private boolean exists(UUID session) {
        return jdbc.queryForObject("SELECT count(*) FROM sessions WHERE id = ?", Integer.class, session) == 1;
    }
}
