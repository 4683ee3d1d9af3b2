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
 * Frames the gateway does not accept (error frames, audit), flooding (bad frames in a row, frame rate), and a
 * healthy plane under load that must not be mistaken for a flood.
 * Against a plane written from docs/protocol.md alone ({@link TestPlane}); set-up in {@link PlaneProtocolSupport}.
 */
class PlaneBadFramesIT extends PlaneProtocolSupport {

    @Test
    void badFramesGetErrorFramesAndTheConnectionStaysUp() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            plane.send(Map.of("type", "sse_event", "session_id", "x"));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("hello_required");
            plane.hello(u.vmId(), 0, Map.of());

            plane.sendText("{not json");
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("malformed_json");
            plane.sendText("{\"no\":\"type\"}");
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("missing_type");
            plane.send(Map.of("type", "teleport"));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("unknown_type");
            plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", "x".repeat(1_100_000)));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("frame_too_large");
            plane.send(Map.of("type", "sse_event", "session_id", java.util.UUID.randomUUID().toString(),
                    "request_id", "r", "seq", 1, "event", "text", "data", text("x")));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("foreign_session");
            plane.send(Map.of("type", "sse_event", "session_id", "s", "request_id", "r", "seq", -4, "event", "text", "data", text("x")));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("invalid_frame");
            plane.send(Map.of("type", "request", "id", "r-1", "method", "format_disk", "params", Map.of()));
            JsonNode response = plane.next("response", 5);
            assertThat(response.get("id").asText()).isEqualTo("r-1");
            assertThat(response.get("ok").asBoolean()).isFalse();
            assertThat(response.at("/error/code").asText()).isEqualTo("unknown_method");
            assertThat(meters.get("gateway.plane.frames.rejected").tag("code", "malformed_json").counter().count()).isPositive();

            // still up and serving
            plane.send(Map.of("type", "request", "id", "r-2", "method", "get_skill_files", "params", Map.of("skill", "search_docs")));
            assertThat(plane.next("response", 5).get("ok").asBoolean()).isTrue();
            assertThat(plane.isOpen()).isTrue();
            // audit events reach audit_log through the spool (routes/events.yaml): wait for them
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'plane.frame_rejected'",
                            Integer.class, "vm:" + u.vmId())).isPositive());
            long deadline = System.nanoTime() + 5_000_000_000L;
            Integer unknownMethod = 0;
            while (unknownMethod == 0 && System.nanoTime() < deadline) {
                unknownMethod = jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'plane.unknown_method'",
                        Integer.class, "vm:" + u.vmId());
                Thread.sleep(50);
            }
            assertThat(unknownMethod).isPositive();
        }
    }

    @Test
    void aPlaneThatKeepsSendingGarbageIsClosedForFlooding() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 0; i < 25 && plane.isOpen(); i++) {
                plane.sendText("garbage " + i);
            }
            assertThat(plane.awaitClose(5)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("flooding");
        }
    }

    @Test
    void aPlaneSendingRequestsFasterThanTheFrameRateIsClosedForFlooding() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            // fire_and_forget reports count against max-frames-per-second (500); sse_event and pong do not
            for (int i = 0; i < 700 && plane.isOpen(); i++) {
                plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", Map.of("n", i)));
            }
            assertThat(plane.awaitClose(10)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("flooding").contains("frames per second");
        }
    }

    @Test
    void goodFramesBetweenBadOnesResetTheBadFrameCount() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 0; i < 30; i++) { // 30 bad frames, never more than 1 in a row (max-bad-frames 20)
                plane.sendText("garbage " + i);
                assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("malformed_json");
                plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", Map.of()));
            }
            JsonNode ok = request(plane, "get_skill_files", Map.of("skill", "search_docs"));
            assertThat(ok.get("ok").asBoolean()).isTrue();
            assertThat(plane.isOpen()).isTrue();
        }
    }

    /**
     * A healthy plane streaming many sessions at once: events are not rate-limited (the socket is paused and
     * resumed instead), pongs waiting behind the backlog still count, every stream completes in order.
     */
    @Test
    void aPlaneStreamingFiftySessionsAtOnceStaysUpAndEveryStreamCompletesInOrder() throws Exception {
        int sessions = 50;
        int events = 100;
        NewUser u = newModeUser();
        double pausesBefore = meters.get("gateway.plane.socket.paused").counter().count();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(sessions);
        try (TestPlane plane = connectAndGreet(u)) {
            List<String> ids = new java.util.ArrayList<>();
            List<CompletableFuture<List<Event>>> streams = new java.util.ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String session = newSession(u.token());
                ids.add(session);
                streams.add(CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "go"), clients));
            }
            Map<String, String> requestOf = new java.util.HashMap<>();
            while (requestOf.size() < sessions) {
                JsonNode msg = plane.next("user_message", 20);
                requestOf.put(msg.get("session_id").asText(), msg.get("request_id").asText());
            }
            long t0 = System.nanoTime();
            for (int seq = 1; seq <= events; seq++) {
                for (String session : ids) {
                    plane.event(session, requestOf.get(session), seq, "text", text("e" + seq + " "));
                }
            }
            for (String session : ids) {
                plane.event(session, requestOf.get(session), events + 1, "done", Map.of("usage", Map.of()));
            }
            long sentMs = (System.nanoTime() - t0) / 1_000_000;

            String expected = java.util.stream.IntStream.rangeClosed(1, events).mapToObj(i -> "e" + i + " ")
                    .collect(java.util.stream.Collectors.joining());
            for (CompletableFuture<List<Event>> stream : streams) {
                List<Event> received = stream.get(60, TimeUnit.SECONDS);
                assertThat(received.get(received.size() - 1).type()).as(received.toString()).isEqualTo("done");
                assertThat(received).filteredOn(e -> e.type().equals("text")).extracting(e -> e.json().get("delta").asText())
                        .containsExactly(expected.split("(?<= )"));
            }
            long doneMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%d sessions x %d events: sent in %d ms, all streams done after %d ms%n",
                    sessions, events, sentMs, doneMs);
            assertThat(plane.isOpen()).as("closed: " + plane.closeReason()).isTrue();
            assertThat(meters.get("gateway.plane.socket.paused").counter().count())
                    .as("the backlog passed the test profile's high-water mark").isGreaterThan(pausesBefore);
            assertThatNoErrorFrame(plane);
        } finally {
            clients.shutdownNow();
        }
    }
}
