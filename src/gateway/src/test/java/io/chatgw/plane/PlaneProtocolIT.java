package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The /ws/vm protocol against a plane written from docs/protocol.md alone ({@link TestPlane}, the JDK's
 * WebSocket client): auth, hello/welcome, the new path end to end, isolation, every bad frame, resume after
 * a disconnect, held responses, heartbeat death, and the uplink methods.
 */
class PlaneProtocolIT extends GatewayTestBase {

    @Autowired
    PlaneProperties planeConfig;
    @Autowired
    VmTokens vmTokens;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** A fresh user in mode `new`, with a token for its chat API and one for its plane. */
    private record NewUser(String id, String token, String vmId, String vmToken) {
    }

    private NewUser newModeUser() throws Exception {
        String id = "u-plane-" + System.nanoTime();
        String token = tokenFor(id, "org-acme");
        newSession(token); // provisions the user
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        String vmId = LocalProcessLauncher.vmIdOf(id);
        return new NewUser(id, token, vmId, vmTokens.issue(id, "org-acme", vmId));
    }

    private TestPlane connectAndGreet(NewUser u) throws Exception {
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false);
        JsonNode welcome = plane.hello(u.vmId(), 0, Map.of());
        assertThat(welcome.get("vm_id").asText()).isEqualTo(u.vmId());
        return plane;
    }

    private static Map<String, Object> text(String delta) {
        return Map.of("delta", delta);
    }

    // ---- authentication ------------------------------------------------------------------------

    @Test
    void connectionsWithoutAValidVmTokenAreClosedWith1008() throws Exception {
        NewUser u = newModeUser();
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), null, false).awaitClose(5)).isEqualTo(1008);
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), "garbage", false).awaitClose(5)).isEqualTo(1008);
        String expired = jwt.issue(u.id(), "org-acme", List.of("vm"), Duration.ofMinutes(-5), Map.of("vm_id", u.vmId()));
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), expired, true);
        assertThat(plane.awaitClose(5)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("expired");
        String userToken = tokenFor(u.id(), "org-acme"); // a user token is not a VM token
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), userToken, false).awaitClose(5)).isEqualTo(1008);
    }

    @Test
    void aTokenClaimingAnotherUsersVmIsRejected() throws Exception {
        NewUser owner = newModeUser();
        try (TestPlane ignored = connectAndGreet(owner)) {
            NewUser intruder = newModeUser();
            String stolen = vmTokens.issue(intruder.id(), "org-acme", owner.vmId());
            TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), stolen, false);
            assertThat(plane.awaitClose(5)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("another user");
        }
    }

    @Test
    void aTokenForAVmIdThatIsNotTheUsersIsRejectedEvenWhenNoPlaneHoldsIt() throws Exception {
        NewUser owner = newModeUser(); // not connected: only the vm_id convention and user_vm_instances tell
        NewUser intruder = newModeUser();
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(intruder.id(), "org-acme", owner.vmId()), false);
        assertThat(plane.awaitClose(5)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("another user");

        // a vm_id the gateway recorded for another user (e.g. a launcher's own naming)
        String recorded = "vm-recorded-" + System.nanoTime();
        jdbc.update("INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id) VALUES (?, 'org-acme', 'docker', 'starting', ?)",
                owner.id(), recorded);
        TestPlane other = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(intruder.id(), "org-acme", recorded), true);
        assertThat(other.awaitClose(5)).isEqualTo(1008);
        try (TestPlane own = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(owner.id(), "org-acme", recorded), false)) {
            assertThat(own.hello(recorded, 0, Map.of()).get("vm_id").asText()).isEqualTo(recorded);
        }
    }

    @Test
    void aSecondConnectionForTheSameVmReplacesTheFirst() throws Exception {
        NewUser u = newModeUser();
        TestPlane first = connectAndGreet(u);
        try (TestPlane second = connectAndGreet(u)) {
            assertThat(first.awaitClose(5)).isEqualTo(4000);
            assertThat(second.isOpen()).isTrue();
        }
    }

    // ---- the new path end to end -----------------------------------------------------------------

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

    // ---- bad frames ------------------------------------------------------------------------------

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
            Integer rejected = jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'plane.frame_rejected'",
                    Integer.class, "vm:" + u.vmId());
            assertThat(rejected).isPositive();
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

    private static void assertThatNoErrorFrame(TestPlane plane) throws Exception {
        try {
            JsonNode error = plane.next("error", 1);
            throw new AssertionError("unexpected error frame " + error);
        } catch (AssertionError expected) {
            assertThat(expected.getMessage()).startsWith("no matching frame");
        }
    }

    // ---- disconnect and resume -------------------------------------------------------------------

    @Test
    void planeDroppingMidTurnResumesWithoutLostOrDuplicatedEvents() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        String session = newSession(u.token());
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "long one"));
        JsonNode msg = plane.next("user_message", 10);
        String req = msg.get("request_id").asText();
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

            List<Event> events = client.get(15, TimeUnit.SECONDS);
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
        String session = newSession(u.token());
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "again"));
        JsonNode first = plane.next("user_message", 10);
        plane.drop(); // before doing anything with it
        Thread.sleep(300);
        try (TestPlane back = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            JsonNode welcome = back.hello(u.vmId(), first.get("seq").asLong() - 1, Map.of());
            assertThat(welcome.at("/redelivering/downlink").asInt()).isEqualTo(1);
            JsonNode again = back.next("user_message", 5);
            assertThat(again.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
            assertThat(again.get("request_id").asText()).isEqualTo(first.get("request_id").asText());
            back.event(session, again.get("request_id").asText(), 1, "done", Map.of("usage", Map.of()));
            List<Event> events = client.get(15, TimeUnit.SECONDS);
            assertThat(events).extracting(Event::type).containsExactly("route", "status", "status", "done");
        }
    }

    @Test
    void aCancelThePlaneMissedIsRedeliveredAfterReconnectAndLateEventsAreDroppedQuietly() throws Exception {
        NewUser u = newModeUser();
        TestPlane plane = connectAndGreet(u);
        String session = newSession(u.token());
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, "slow"));
        JsonNode msg = plane.next("user_message", 10);
        String req = msg.get("request_id").asText();
        JsonNode cancel = plane.next("cancel", 10); // first-event-timeout 4 s in the test profile
        List<Event> events = client.get(15, TimeUnit.SECONDS);
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

    // ---- uplink methods --------------------------------------------------------------------------

    @Test
    void getSkillFilesServesTheSkillAndRejectsPathTraversal() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode ok = request(plane, "get_skill_files", Map.of("skill", "search_docs"));
            assertThat(ok.get("ok").asBoolean()).isTrue();
            assertThat(ok.at("/result/files")).extracting(f -> f.get("path").asText()).contains("SKILL.md", "prompt.txt");

            assertThat(request(plane, "get_skill_files", Map.of("skill", "../../etc")).at("/error/code").asText()).isEqualTo("path_rejected");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "search_docs", "path", "../../application.yaml"))
                    .at("/error/code").asText()).isEqualTo("path_rejected");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "search_docs", "path", "SKILL.md"))
                    .at("/result/files/0/content").asText()).contains("search_docs");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "nope")).at("/error/code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void memorySearchFindsOnlyThePlaneUsersOwnMemories() throws Exception {
        NewUser u = newModeUser();
        jdbc.update("INSERT INTO memories (user_id, content) VALUES (?, 'Prefers tea over coffee in Berlin')", u.id());
        jdbc.update("INSERT INTO memories (user_id, content) VALUES ('u-alice', 'Alice drinks coffee in Berlin')");
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode response = request(plane, "memory_search", Map.of("query", "Berlin", "limit", 5));
            assertThat(response.get("ok").asBoolean()).as(response.toString()).isTrue();
            assertThat(response.at("/result/memories")).extracting(m -> m.get("content").asText())
                    .containsExactly("Prefers tea over coffee in Berlin");
            assertThat(request(plane, "memory_search", Map.of("query", "")).at("/error/code").asText()).isEqualTo("invalid_params");
        }
    }

    @Test
    void mcpCallIsForwardedAndTimesOut() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode ok = request(plane, "mcp_call", Map.of("tool", "weather.lookup", "arguments", Map.of("city", "Rome")));
            assertThat(ok.get("ok").asBoolean()).as(ok.toString()).isTrue();
            assertThat(ok.at("/result/structuredContent/city").asText()).isEqualTo("Rome");

            JsonNode slow = request(plane, "mcp_call", Map.of("tool", "weather.lookup", "arguments", Map.of("delay_ms", 3000)));
            assertThat(slow.at("/error/code").asText()).isEqualTo("mcp_timeout");
            JsonNode unknownTool = request(plane, "mcp_call", Map.of("tool", "nope"));
            assertThat(unknownTool.at("/error/code").asText()).isEqualTo("mcp_error");
        }
    }

    @Test
    void snapshotsAreStoredAndOnlyTheLatestAreKept() throws Exception {
        NewUser u = newModeUser();
        String session = newSession(u.token());
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 1; i <= 7; i++) {
                plane.send(Map.of("type", "snapshot", "session_id", session, "checkpoint", Map.of("n", i),
                        "short_term_memory", Map.of(), "conversation_state", Map.of(), "file_manifest", List.of()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<Integer> kept = List.of();
            while (System.nanoTime() < deadline) {
                kept = jdbc.queryForList("SELECT (checkpoint->>'n')::int FROM session_snapshots WHERE session_id = ?::uuid ORDER BY 1",
                        Integer.class, session);
                if (kept.contains(7) && kept.size() == 5) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(kept).containsExactly(3, 4, 5, 6, 7);

            String foreign = newSession(tokenFor("u-alice", "org-acme"));
            plane.send(Map.of("type", "snapshot", "session_id", foreign, "checkpoint", Map.of()));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("foreign_session");
        }
    }

    private static int requestIds;

    private static JsonNode request(TestPlane plane, String method, Map<String, ?> params) throws Exception {
        String id = "req-" + (++requestIds);
        plane.send(Map.of("type", "request", "id", id, "method", method, "params", params));
        return plane.next(f -> f.path("type").asText().equals("response") && f.path("id").asText().equals(id), 10);
    }

    private List<Event> chatQuietly(String token, String session, String message) {
        try {
            return chat(token, session, message);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
