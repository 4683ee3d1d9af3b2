package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.RawPlaneSocket;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Frames the gateway does not accept (error frames, one audit row per connection and window), flooding (bad frames
 * within a time window, frame rate by arrival), and a healthy plane under load that must not be mistaken for a flood.
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
        }
        // the connection's rejections are ONE audit row (its window ended with the close), counted by code; it reaches
        // audit_log through the spool (routes/events.yaml)
        Map<String, Object> row = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                jdbc.queryForList("SELECT details::text AS details FROM audit_log WHERE actor = ? AND action = 'plane.frames_rejected'",
                        "vm:" + u.vmId()), rows -> rows.size() == 1).get(0);
        JsonNode details = JSON.readTree((String) row.get("details"));
        assertThat(details.get("count").asInt()).isEqualTo(8);
        assertThat(details.at("/codes/malformed_json").asInt()).isEqualTo(1);
        assertThat(details.at("/codes/hello_required").asInt()).isEqualTo(1);
        assertThat(details.at("/codes/unknown_method").asInt()).isEqualTo(1);
        assertThat(details.get("samples").toString()).contains("teleport", "format_disk");
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

    /**
     * 600 reports in ONE write: they come off the socket together, so the frame rate is over its limit (500 a second,
     * by arrival) however slow this machine is.
     */
    @Test
    void aPlaneSendingRequestsFasterThanTheFrameRateIsClosedForFlooding() throws Exception {
        NewUser u = newModeUser();
        try (RawPlaneSocket plane = greetedRawPlane(u)) {
            // fire_and_forget reports count against max-frames-per-second; sse_event and pong do not
            plane.sendAll(java.util.stream.IntStream.range(0, planeConfig.maxFramesPerSecond() + 100)
                    .mapToObj(i -> "{\"type\":\"fire_and_forget\",\"kind\":\"usage\",\"data\":{\"n\":" + i + "}}").toList());
            assertThat(plane.awaitClose()).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("flooding").contains("frames per second");
        }
    }

    @Test
    void malformedFramesCountAgainstTheFrameRateToo() throws Exception {
        NewUser u = newModeUser();
        try (RawPlaneSocket plane = greetedRawPlane(u)) {
            List<String> burst = new java.util.ArrayList<>();
            for (int i = 0; i < planeConfig.maxFramesPerSecond() - 1; i++) { // with the hello: the limit
                burst.add("{\"type\":\"fire_and_forget\",\"kind\":\"usage\",\"data\":{}}");
            }
            for (int i = 0; i < planeConfig.maxBadFrames() - 1; i++) { // not too many bad frames: only the rate closes it
                burst.add("{not json " + i);
            }
            plane.sendAll(burst);
            assertThat(plane.awaitClose()).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("frames per second");
        }
    }

    @Test
    void goodFramesAndPongsBetweenBadOnesDoNotResetTheBadFrameCount() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            // never two bad frames in a row, but more than max-bad-frames (20) within bad-frame-window (60 s)
            for (int i = 0; i < planeConfig.maxBadFrames(); i++) {
                plane.sendText("garbage " + i);
                plane.send(Map.of("type", "pong", "ts", 1));
                plane.send(Map.of("type", "fire_and_forget", "kind", "usage", "data", Map.of()));
                assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("malformed_json");
            }
            assertThat(plane.isOpen()).isTrue();
            plane.sendText("one too many");
            assertThat(plane.awaitClose(10)).isEqualTo(1008);
            assertThat(plane.closeReason()).startsWith("flooding").contains("bad frames within");
        }
    }

    @Test
    void reconnectingDoesNotStartTheBadFrameCountOver() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane first = connectAndGreet(u)) {
            for (int i = 0; i < planeConfig.maxBadFrames(); i++) {
                first.sendText("garbage " + i);
                assertThat(first.next("error", 5).get("code").asText()).isEqualTo("malformed_json");
            }
        }
        try (TestPlane second = connectAndGreet(u)) {
            second.sendText("one more");
            assertThat(second.awaitClose(10)).isEqualTo(1008);
            assertThat(second.closeReason()).startsWith("flooding");
        }
    }

    @Test
    void frameTypesWithNulBackslashOrNewlineGetErrorFramesAndKeepTheirAuditRowWithoutAnErrorLog() throws Exception {
        NewUser u = newModeUser();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try (TestPlane plane = connectAndGreet(u)) {
            plane.send(Map.of("type", "nul\u0000type"));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("invalid_frame");
            plane.send(Map.of("type", "back\\slash"));
            JsonNode backslash = plane.next("error", 5);
            assertThat(backslash.get("code").asText()).isEqualTo("unknown_type");
            assertThat(backslash.at("/ref/type").asText()).isEqualTo("back\\slash"); // given back exactly, escaped by JSON
            plane.send(Map.of("type", "new\nline"));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("unknown_type");
            plane.send(Map.of("type", "sse_event", "session_id", "s", "request_id", "r", "seq", 1, "event", "text",
                    "data", Map.of("delta", "a\u0000b")));
            assertThat(plane.next("error", 5).get("message").asText()).contains("NUL");
        } finally {
            root.detachAppender(logged);
        }
        JsonNode details = JSON.readTree(org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                jdbc.queryForList("SELECT details::text FROM audit_log WHERE actor = ? AND action = 'plane.frames_rejected'",
                        String.class, "vm:" + u.vmId()), rows -> rows.size() == 1).get(0));
        assertThat(details.get("count").asInt()).isEqualTo(4);
        assertThat(details.get("samples")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("nul?type", "back\\slash", "new?line", "sse_event");
        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                && (e.getLoggerName().startsWith("io.chatgw") || e.getLoggerName().startsWith("org.apache.camel")));
    }

    private RawPlaneSocket greetedRawPlane(NewUser u) throws Exception {
        RawPlaneSocket plane = new RawPlaneSocket(planeConfig.publicUrlOrDefault(), u.vmToken());
        plane.sendAll(List.of("{\"type\":\"hello\",\"vm_id\":\"" + u.vmId() + "\",\"version\":\"1\"}"));
        assertThat(plane.next("\"welcome\"")).isNotNull();
        return plane;
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
            for (int i = 0; i < sessions; i++) { // every session first: the turns then start together (first-event timeout)
                ids.add(newSession(u.token()));
            }
            for (String session : ids) {
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
