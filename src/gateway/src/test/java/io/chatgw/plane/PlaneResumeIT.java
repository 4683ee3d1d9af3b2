package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A plane that disconnects: resume without lost or duplicated events, redelivery of held frames after hello, and
 * death after missed heartbeats.
 * Against a plane written from docs/protocol.md alone ({@link TestPlane}); set-up in {@link PlaneProtocolSupport}.
 */
class PlaneResumeIT extends PlaneProtocolSupport {

    @Test
    void planeDroppingMidTurnResumesWithoutLostOrDuplicatedEvents() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        RunningTurn turn = startTurn(u, plane, "long one");
        String session = turn.session();
        JsonNode msg = turn.message();
        String req = turn.requestId();
        plane.event(session, req, 1, "text", text("one "));
        plane.event(session, req, 2, "text", text("two "));
        assertThat(plane.next(f -> f.path("type").asText().equals("ack") && f.path("seq").asLong() == 2, 5)).isNotNull();

        plane.drop();
        Thread.sleep(500);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), true)) {
            JsonNode welcome = back.hello(u.vmId(), msg.get("seq").asLong(), Map.of(session, 2L));
            assertThat(welcome.at("/sessions/" + session + "/last_seq").asLong()).isEqualTo(2);
            assertThat(welcome.at("/sessions/" + session + "/request_id").asText()).isEqualTo(req);
            // the plane resends from its own log: 2 is a duplicate, 3 and 4 are new
            back.event(session, req, 2, "text", text("two "));
            back.event(session, req, 3, "text", text("three"));
            back.event(session, req, 4, "done", Map.of("usage", Map.of("prompt_tokens", 1, "completion_tokens", 3)));

            List<Event> events = turn.client().get(15, TimeUnit.SECONDS);
            assertThat(events).filteredOn(e -> e.type().equals("text")).extracting(e -> e.json().get("delta").asText())
                    .containsExactly("one ", "two ", "three");
            assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                    .containsExactly("reconnecting", "resumed");
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
        }
    }

    @Test
    void messageForAPlaneThatIsAwayWaitsForItsHello() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        plane.drop();
        Thread.sleep(300);
        String session = newSession(u.token());
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "while away"));
        Thread.sleep(500);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            back.hello(u.vmId(), 0, Map.of());
            JsonNode msg = back.next("user_message", 5);
            assertThat(msg.get("message").asText()).isEqualTo("while away");
            back.event(session, msg.get("request_id").asText(), 1, "done", Map.of("usage", Map.of()));
            List<Event> events = client.get(15, TimeUnit.SECONDS);
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
        }
    }

    @Test
    void userMessageThePlaneDidNotProcessIsRedeliveredAfterHello() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        RunningTurn turn = startTurn(u, plane, "again");
        String session = turn.session();
        JsonNode first = turn.message();
        plane.drop(); // before doing anything with it
        Thread.sleep(300);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            JsonNode welcome = back.hello(u.vmId(), first.get("seq").asLong() - 1, Map.of());
            assertThat(welcome.at("/redelivering/downlink").asInt()).isEqualTo(1);
            JsonNode again = back.next("user_message", 5);
            assertThat(again.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
            assertThat(again.get("request_id").asText()).isEqualTo(first.get("request_id").asText());
            back.event(session, again.get("request_id").asText(), 1, "done", Map.of("usage", Map.of()));
            List<Event> events = turn.client().get(15, TimeUnit.SECONDS);
            assertThat(events).extracting(Event::type).containsExactly("route", "status", "status", "done");
        }
    }

    @Test
    void aCancelThePlaneMissedIsRedeliveredAfterReconnectAndLateEventsAreDroppedQuietly() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        RunningTurn turn = startTurn(u, plane, "slow");
        String session = turn.session();
        JsonNode msg = turn.message();
        String req = turn.requestId();
        JsonNode cancel = plane.next("cancel", 10); // first-event-timeout 4 s in the test profile
        List<Event> events = turn.client().get(15, TimeUnit.SECONDS);
        assertThat(events.get(events.size() - 1).json().get("code").asText()).isEqualTo("upstream_timeout");

        // an event the plane sent before it saw the cancel: acknowledged and dropped, no error frame
        plane.event(session, req, 1, "text", text("late"));
        assertThat(plane.next("ack", 5).get("seq").asLong()).isEqualTo(1);
        assertThatNoErrorFrame(plane);

        plane.drop(); // as if the cancel had been lost with the connection
        Thread.sleep(300);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            JsonNode welcome = back.hello(u.vmId(), msg.get("seq").asLong(), Map.of());
            assertThat(welcome.at("/redelivering/downlink").asInt()).isEqualTo(1);
            JsonNode again = back.next("cancel", 5);
            assertThat(again.get("seq").asLong()).isEqualTo(cancel.get("seq").asLong());
            assertThat(again.get("request_id").asText()).isEqualTo(req);
        }
    }

    @Test
    void responseToARequestPendingAtDisconnectIsDeliveredAfterReconnect() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        // the stand-in MCP server answers after 400 ms; the plane is gone by then
        plane.send(Map.of("type", "request", "id", "slow-1", "method", "mcp_call",
                "params", Map.of("tool", "weather.lookup", "arguments", Map.of("city", "Oslo", "delay_ms", 400))));
        plane.drop();
        Thread.sleep(800);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            JsonNode welcome = back.hello(u.vmId(), 0, Map.of());
            assertThat(welcome.at("/redelivering/responses").asInt()).isEqualTo(1);
            JsonNode response = back.next("response", 5);
            assertThat(response.get("id").asText()).isEqualTo("slow-1");
            assertThat(response.get("ok").asBoolean()).as(response.toString()).isTrue();
        }
    }

    @Test
    void planeThatStopsAnsweringPingsIsDeclaredDeadAndItsTurnFails() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            String session = newSession(u.token());
            CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "hello?"));
            plane.next("user_message", 10);
            plane.stopAnsweringPings();

            assertThat(plane.awaitClose(10)).isEqualTo(1001);
            assertThat(plane.closeReason()).contains("heartbeat");
            List<Event> events = client.get(15, TimeUnit.SECONDS);
            Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("error");
            assertThat(last.json().get("code").asText()).isEqualTo("vm_unavailable");
            // the instance row is marked after the turns are failed (the dead-plane listeners run last): wait for it
            String status = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!"terminated".equals(status) && System.nanoTime() < deadline) {
                status = jdbc.queryForObject("SELECT status FROM user_vm_instances WHERE vm_id = ?", String.class, u.vmId());
                Thread.sleep(20);
            }
            assertThat(status).isEqualTo("terminated");
        }
    }
}
