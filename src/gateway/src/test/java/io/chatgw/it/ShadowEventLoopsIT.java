package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.shadow.ShadowEventLoops;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A shadow on an HTTP path runs on the shadows' own event loops ({@link ShadowEventLoops},
 * {@code gateway.shadow.event-loops}), never on the primaries' (the gateway's Vert.x): each test blocks every event
 * loop of one side and shows that the other side's answer streams to its end meanwhile. A blocked loop stands for a
 * busy or slow one: it runs nothing else until it is released. The user is on direct_llm with every request
 * shadowed on legacy; the answers are the stand-in's default (8 chunks 20 ms apart).
 */
class ShadowEventLoopsIT extends GatewayTestBase {

    @Autowired
    private Vertx vertx;
    @Autowired
    private ShadowEventLoops shadowLoops;

    /** A direct_llm user in an org of its own whose requests all get a legacy shadow; its token. */
    private String shadowedUser() throws Exception {
        String org = "org-shd-loops-" + UUID.randomUUID().toString().substring(0, 8);
        var put = client.send("PUT", "/api/v1/admin/orgs/" + org + "/policy", tokenFor("u-admin", "org-acme", "admin"),
                "application/json", "{\"shadow_percent\": 100, \"shadow_path\": \"legacy\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String user = org + "-u";
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, 'direct_llm')", user, org);
        awaitPoliciesCurrent();
        return tokenFor(user, org);
    }

    /** Occupies every event loop of {@code owner} until the returned latch is counted down (at most 20 s). */
    private static CountDownLatch blockEveryLoop(Vertx owner) throws InterruptedException {
        List<EventExecutor> loops = new ArrayList<>();
        owner.nettyEventLoopGroup().forEach(loops::add);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(loops.size());
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                blocked.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(blocked.await(10, TimeUnit.SECONDS)).as("every loop blocked").isTrue();
        return release;
    }

    private static String shadowRequestOf(String primaryRequestId) {
        return UUID.nameUUIDFromBytes(("shadow-request:" + primaryRequestId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private List<Map<String, Object>> shadowUsage(String shadowRequest) {
        return jdbc.queryForList("SELECT status, path, error_code FROM usage_records WHERE request_id = ?::uuid", shadowRequest);
    }

    private Map<String, Object> comparisonOf(String requestId) {
        await("the pair of " + requestId).atMost(Duration.ofSeconds(30)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM shadow_comparisons WHERE primary_request_id = ?::uuid", requestId).isEmpty());
        return jdbc.queryForMap("SELECT primary_status, shadow_status, shadow_error_code FROM shadow_comparisons "
                + "WHERE primary_request_id = ?::uuid", requestId);
    }

    @Test
    void aShadowStreamsItsWholeAnswerWhileEveryPrimaryEventLoopIsBlocked() throws Exception {
        String token = shadowedUser();
        String session = newSession(token);
        String requestId;
        List<Event> rest;
        CountDownLatch release = blockEveryLoop(vertx);
        try (SseClient.Stream stream = sendMessage(token, session, "shadow on its own loops")) {
            try {
                Event route = stream.next(); // published when the turn opens, before any path runs
                assertThat(route.type()).isEqualTo("route");
                requestId = route.json().get("request_id").asText();
                String shadowRequest = shadowRequestOf(requestId);
                // the shadow's legacy answer is read, mapped, ended and recorded while no primary loop runs anything:
                // a shadow whose upstream stream were handled on a primary loop would not even have started
                await("the shadow's usage record while the primaries' loops are blocked").atMost(Duration.ofSeconds(3))
                        .pollInterval(Duration.ofMillis(50)).until(() -> !shadowUsage(shadowRequest).isEmpty());
                assertThat(shadowUsage(shadowRequest)).singleElement().satisfies(row -> assertThat(row)
                        .containsEntry("status", "shadow").containsEntry("path", "legacy").containsEntry("error_code", null));
            } finally {
                release.countDown();
            }
            rest = stream.all();
        }
        // the primary, held only by its own loops, answers once they run again
        assertThat(rest).extracting(Event::type).contains("text").last().isEqualTo("done");
        assertThat(comparisonOf(requestId)).containsEntry("primary_status", "completed")
                .containsEntry("shadow_status", "completed");
    }

    @Test
    void aPrimaryAnswersInFullWhileItsShadowsEventLoopIsBlocked() throws Exception {
        String token = shadowedUser();
        String session = newSession(token);
        String requestId;
        CountDownLatch release = blockEveryLoop(shadowLoops.vertx());
        try {
            List<Event> events = chat(token, session, "primary beside a stuck shadow");
            assertThat(events.stream().map(Event::type).distinct().toList()).containsExactly("route", "text", "done");
            requestId = events.get(0).json().get("request_id").asText();
            assertThat(events.get(events.size() - 1).json().get("path").asText()).isEqualTo("direct_llm");
            // the shadow really was held all this time: it has not answered
            assertThat(shadowUsage(shadowRequestOf(requestId))).as("the shadow, its loop blocked").isEmpty();
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT status, path FROM usage_records WHERE request_id = ?::uuid", requestId)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "completed").containsEntry("path", "direct_llm")));
        // released within the shadow path's first-event time, the shadow answers and the pair is compared as usual
        assertThat(comparisonOf(requestId)).containsEntry("primary_status", "completed")
                .containsEntry("shadow_status", "completed");
    }
}
