package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.RawHttp;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The /ws/vm port's deadline for becoming a plane socket (gateway.plane.upgrade-header-timeout, 3 s in the test
 * profile): raw sockets that trickle an upgrade request a byte at a time, as slowloris does (every byte resets the
 * idle timeout), are answered 408 and closed at the deadline; planes that upgrade promptly are untouched, and their
 * sockets outlive the deadline with every frame handled.
 */
class PlaneUpgradeDeadlineIT extends PlaneProtocolSupport {

    @Autowired
    CamelContext camel;

    /** Cut no earlier than the deadline, and no later than this after it (a loaded machine). */
    private static final long SLACK_MILLIS = 5000;

    private static long sinceMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private String upgradeRequest(NewUser u) {
        return RawHttp.head("GET", planeConfig.path(), "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Authorization: Bearer " + u.vmToken());
    }

    /** Sends {@code text} one byte every {@code everyMillis} on its own thread, until done or the server cut it. */
    private static Thread trickle(RawHttp http, String text, long everyMillis, AtomicInteger sent) {
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < text.length(); i++) {
                    http.send(text.substring(i, i + 1));
                    sent.incrementAndGet();
                    Thread.sleep(everyMillis);
                }
            } catch (IOException | InterruptedException cut) {
                // the server closed the connection (or the test is over)
            }
        }, "slowloris");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    private void assertCutAtTheDeadline(RawHttp.Response response, long cutAfterMillis) throws Exception {
        long deadline = planeConfig.upgradeHeaderTimeout().toMillis();
        assertThat(response.status()).isEqualTo(408);
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(response.header("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("upgrade_timeout");
        assertThat(cutAfterMillis).as("cut at the deadline, counted from the connection's accept")
                .isBetween(deadline - 200, deadline + SLACK_MILLIS);
    }

    @Test
    void theRoutesSocketOptionsReachTheComponentThatCarriesTheDeadline() {
        // the first try at this deadline lost them (OPEN/CLOSE events off: no plane frame was ever handled)
        VertxWebsocketEndpoint endpoint = (VertxWebsocketEndpoint) camel.getRoute("plane-socket").getEndpoint();
        VertxWebsocketConfiguration socket = endpoint.getConfiguration();
        assertThat(socket.isFireWebSocketConnectionEvents()).isTrue();
        assertThat(socket.getServerOptions().getMaxWebSocketFrameSize()).isEqualTo(planeConfig.maxSocketFrameBytes());
        assertThat(endpoint.getExceptionHandler()).isInstanceOf(io.chatgw.plane.socket.LogPlaneSocketErrors.class);
    }

    @Test
    void anUpgradeRequestTrickledAByteAtATimeIsAnswered408AndClosedAtTheDeadline() throws Exception {
        NewUser u = newModeUser();
        String upgrade = upgradeRequest(u);
        AtomicInteger sent = new AtomicInteger();
        try (RawHttp http = RawHttp.connect(planeConfig.port())) {
            long start = System.nanoTime();
            http.timeout(planeConfig.upgradeHeaderTimeout().plusMillis(SLACK_MILLIS + 5000));
            // a byte every 700 ms: the connection is never silent, so an idle timeout alone would never end it
            Thread writer = trickle(http, upgrade, 700, sent);
            RawHttp.Response response = http.read();
            long cutAfter = sinceMillis(start);
            writer.interrupt();

            assertCutAtTheDeadline(response, cutAfter);
            assertThat(sent.get()).as("the upgrade request was still incomplete when the server cut it")
                    .isPositive().isLessThan(upgrade.length());
            http.timeout(Duration.ofSeconds(5));
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aQuickRequestThatIsNoUpgradeDoesNotRestartTheClockForTheNextOneOnThatConnection() throws Exception {
        NewUser u = newModeUser();
        AtomicInteger sent = new AtomicInteger();
        try (RawHttp http = RawHttp.connect(planeConfig.port())) {
            long start = System.nanoTime();
            http.timeout(planeConfig.upgradeHeaderTimeout().plusMillis(SLACK_MILLIS + 5000));
            http.send(RawHttp.head("GET", planeConfig.path()));
            assertThat(http.read().status()).as("no upgrade: refused, the connection kept alive").isEqualTo(400);

            Thread writer = trickle(http, upgradeRequest(u), 700, sent);
            RawHttp.Response response = http.read();
            long cutAfter = sinceMillis(start);
            writer.interrupt();

            assertCutAtTheDeadline(response, cutAfter);
            http.timeout(Duration.ofSeconds(5));
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aPlaneThatUpgradesPromptlyWhileASlowlorisHoldsTheSamePortIsAdmittedAndItsFramesAreHandled() throws Exception {
        NewUser u = newModeUser();
        AtomicInteger sent = new AtomicInteger();
        try (RawHttp slowloris = RawHttp.connect(planeConfig.port())) {
            slowloris.timeout(planeConfig.upgradeHeaderTimeout().plusMillis(SLACK_MILLIS + 5000));
            Thread writer = trickle(slowloris, upgradeRequest(u), 700, sent);
            try (TestPlane plane = connectAndGreet(u)) { // hello answered by welcome: its first frame was handled
                JsonNode response = request(plane, "get_skill_files", Map.of("skill", "search_docs"));
                assertThat(response.get("ok").asBoolean()).isTrue();

                assertThat(slowloris.read().status()).isEqualTo(408); // the slow one is cut, the plane is not
                writer.interrupt();
                assertThat(plane.isOpen()).isTrue();
                assertThat(request(plane, "get_skill_files", Map.of("skill", "search_docs")).get("ok").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void anUpgradedPlaneSocketOutlivesTheDeadlineAndGoesOnCarryingTurns() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            Thread.sleep(planeConfig.upgradeHeaderTimeout().toMillis() + 2000);
            assertThat(plane.isOpen()).as("nothing cut the upgraded socket at the deadline").isTrue();

            RunningTurn turn = startTurn(u, plane, "after the deadline");
            plane.event(turn.session(), turn.requestId(), 1, "text", text("still here"));
            plane.event(turn.session(), turn.requestId(), 2, "done", Map.of("model", "plane-model",
                    "usage", Map.of("prompt_tokens", 1, "completion_tokens", 2)));
            List<Event> events = turn.client().get(15, TimeUnit.SECONDS);
            assertThat(events).extracting(Event::type).containsExactly("route", "text", "done");
            assertThat(plane.isOpen()).isTrue();
        }
    }
}
