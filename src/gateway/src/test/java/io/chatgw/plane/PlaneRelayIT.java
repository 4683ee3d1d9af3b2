package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The new path end to end: the plane's events relayed to the client, done/error ending the turn, users kept
 * apart, and a silent plane's turn timing out.
 * Against a plane written from docs/protocol.md alone ({@link TestPlane}); set-up in {@link PlaneProtocolSupport}.
 */
class PlaneRelayIT extends PlaneProtocolSupport {

    @Test
    void newPathRelaysThePlanesEventsAndEndsWithItsDone() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            String session = newSession(u.token());
            CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "hi plane"));

            JsonNode msg = plane.next("user_message", 10);
            assertThat(msg.get("session_id").asText()).isEqualTo(session);
            assertThat(msg.get("message").asText()).isEqualTo("hi plane");
            assertThat(msg.get("seq").asLong()).isPositive();
            String req = msg.get("request_id").asText();
            plane.event(session, req, 1, "plan_step", Map.of("step", 1, "title", "think"));
            plane.event(session, req, 2, "text", text("Hel"));
            plane.event(session, req, 3, "text", text("lo"));
            assertThat(plane.next("ack", 5).get("seq").asLong()).isEqualTo(1);
            plane.event(session, req, 4, "done", Map.of("model", "plane-model", "usage", Map.of("prompt_tokens", 3, "completion_tokens", 2)));

            List<Event> events = client.get(15, TimeUnit.SECONDS);
            assertThat(events).extracting(Event::type).containsExactly("route", "plan_step", "text", "text", "done");
            assertThat(events.get(0).json().get("path").asText()).isEqualTo("new");
            Event done = events.get(4);
            assertThat(done.json().get("model").asText()).isEqualTo("plane-model");
            assertThat(done.json().at("/usage/completion_tokens").asInt()).isEqualTo(2);
            assertThat(meters.get("gateway.plane.relay.latency").timer().count()).as("relay latency recorded").isPositive();
        }
    }

    @Test
    void planeErrorEventEndsTheTurnWithItsCode() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            String session = newSession(u.token());
            CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "x"));
            String req = plane.next("user_message", 10).get("request_id").asText();
            plane.event(session, req, 1, "error", Map.of("code", "llm_error", "message", "model overloaded"));

            List<Event> events = client.get(15, TimeUnit.SECONDS);
            Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("error");
            assertThat(last.json().get("code").asText()).isEqualTo("llm_error");
        }
    }

    @Test
    void twoUsersPlanesAndSessionsStayApart() throws Exception {
        NewUser a = newModeUser();
        NewUser b = newModeUser();
        try (TestPlane planeA = connectAndGreet(a); TestPlane planeB = connectAndGreet(b)) {
            String sessionA = newSession(a.token());
            String sessionB = newSession(b.token());
            CompletableFuture<List<Event>> clientA = CompletableFuture.supplyAsync(() -> chatQuietly(a.token(), sessionA, "for A"));
            CompletableFuture<List<Event>> clientB = CompletableFuture.supplyAsync(() -> chatQuietly(b.token(), sessionB, "for B"));
            JsonNode toA = planeA.next("user_message", 10);
            JsonNode toB = planeB.next("user_message", 10);
            assertThat(toA.get("message").asText()).isEqualTo("for A");
            assertThat(toB.get("message").asText()).isEqualTo("for B");

            // A's plane tries to write into B's session: refused, never relayed
            planeA.event(sessionB, toB.get("request_id").asText(), 1, "text", text("leak"));
            JsonNode error = planeA.next("error", 5);
            assertThat(error.get("code").asText()).isEqualTo("foreign_session");

            planeA.event(sessionA, toA.get("request_id").asText(), 1, "text", text("a"));
            planeA.event(sessionA, toA.get("request_id").asText(), 2, "done", Map.of("usage", Map.of()));
            planeB.event(sessionB, toB.get("request_id").asText(), 1, "text", text("b"));
            planeB.event(sessionB, toB.get("request_id").asText(), 2, "done", Map.of("usage", Map.of()));
            assertThat(clientA.get(15, TimeUnit.SECONDS)).filteredOn(e -> e.type().equals("text"))
                    .extracting(e -> e.json().get("delta").asText()).containsExactly("a");
            assertThat(clientB.get(15, TimeUnit.SECONDS)).filteredOn(e -> e.type().equals("text"))
                    .extracting(e -> e.json().get("delta").asText()).containsExactly("b");
        }
    }

    @Test
    void planeThatNeverAnswersTheMessageIsCancelledAndTheTurnTimesOut() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            String session = newSession(u.token());
            CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "silence"));
            JsonNode msg = plane.next("user_message", 10);

            JsonNode cancel = plane.next("cancel", 10); // test profile: first-event-timeout 4 s
            assertThat(cancel.get("request_id").asText()).isEqualTo(msg.get("request_id").asText());
            assertThat(cancel.get("seq").asLong()).isGreaterThan(msg.get("seq").asLong());
            List<Event> events = client.get(15, TimeUnit.SECONDS);
            assertThat(events.get(events.size() - 1).json().get("code").asText()).isEqualTo("upstream_timeout");
        }
    }
}
