package io.chatgw.plane;

import io.chatgw.plane.launch.PlaneLauncher;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.plane.socket.VmTokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.plane.launch.LocalProcessLauncher;
import io.chatgw.runtime.plane.ExecutionPlane;
import io.chatgw.runtime.plane.PlaneOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient.Event;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The `new` path end to end through the reference execution plane: started on demand by the local
 * launcher as a child process, and in-process for the crash tests (network blip; kill and restart).
 */
class ReferencePlaneIT extends GatewayTestBase {

    private static Vertx vertx;

    @Autowired
    PlaneProperties planeConfig;
    @Autowired
    VmTokens vmTokens;
    @Autowired
    PlaneRegistry registry;
    @Autowired
    PlaneLauncher launcher;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Value("${gateway.llm.base-url}")
    String llmBaseUrl;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close();
    }

    @Test
    void firstMessageStartsTheUsersPlaneWhichAnswersWithEveryEventType() throws Exception {
        String token = tokenFor("u-bob", "org-acme");
        String session = newSession(token);

        List<Event> events = chat(token, session, "please use a tool");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("new");
        assertThat(events.stream().map(Event::type).distinct().collect(Collectors.toList()))
                .contains("plan_step", "skill_call", "skill_result", "mcp_call", "mcp_result", "text", "done");
        Event skillResult = events.stream().filter(e -> e.type().equals("skill_result")).findFirst().orElseThrow();
        assertThat(skillResult.data()).contains("SKILL.md"); // served by the gateway's get_skill_files
        Event mcpResult = events.stream().filter(e -> e.type().equals("mcp_result")).findFirst().orElseThrow();
        assertThat(mcpResult.data()).contains("Berlin"); // through the gateway's mcp_call to the MCP stand-in
        Event done = events.get(events.size() - 1);
        assertThat(done.type()).isEqualTo("done");
        assertThat(done.json().at("/usage/completion_tokens").asInt()).isPositive();
        assertIdsIncrease(events);
        assertThat(jdbc.queryForObject("SELECT status FROM user_vm_instances WHERE user_id = 'u-bob' AND status <> 'terminated'",
                String.class)).isEqualTo("running");

        // the same plane answers the user's next message, in another session too
        List<Event> second = chat(token, newSession(token), "and again");
        assertThat(second.get(second.size() - 1).type()).isEqualTo("done");
    }

    @Test
    void theOpenAiEndpointAnswersThroughTheNewPathToo() throws Exception {
        String token = tokenFor("u-bob", "org-acme");
        OpenAiHttp openai = new OpenAiHttp(port);
        Map<String, Object> ask = Map.of("model", "chat-gateway", "stream", true,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "hello plane")));

        OpenAiHttp.Streamed streamed = openai.stream(token, ask, Map.of());

        assertThat(streamed.status()).as(streamed.errorBody()).isEqualTo(200);
        assertThat(streamed.header("x-gateway-path")).isEqualTo("new");
        assertThat(streamed.data()).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = streamed.chunks();
        assertThat(chunks).extracting(c -> c.get("model").asText()).as("one model on every chunk").containsOnly(
                chunks.get(0).get("model").asText());
        assertThat(chunks.get(chunks.size() - 1).at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(streamed.content()).isNotBlank();

        var whole = openai.complete(token, Map.of("model", "chat-gateway",
                "messages", List.of(Map.of("role", "user", "content", "hello plane"))));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(whole.headers().firstValue("x-gateway-path")).hasValue("new");
        JsonNode completion = OpenAiHttp.json(whole.body());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(streamed.content());
        assertThat(completion.at("/usage/completion_tokens").asInt()).isPositive();
    }

    @Test
    void aLaunchedPlaneDeclaredDeadIsStoppedAndTheNextMessageStartsAFreshOne() throws Exception {
        User u = newUser();
        String session = newSession(u.token);
        assertThat(chat(u.token, session, "[[standin chunks=2 delay_ms=1]] first")).last().extracting(Event::type).isEqualTo("done");
        assertThat(launcher.poll(u.id).running()).isTrue();

        registry.declareDead(registry.liveLink(u.id), "test: the plane hangs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (launcher.poll(u.id).running() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(launcher.poll(u.id).running()).as("the dead plane's process was stopped").isFalse();

        List<Event> next = chat(u.token, session, "[[standin chunks=2 delay_ms=1]] second");
        assertThat(next).last().extracting(Event::type).isEqualTo("done");
        assertThat(launcher.poll(u.id).running()).isTrue();
        // every lifecycle transition is audited (with the user_vm_instances row, through the outbox)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                jdbc.queryForList("SELECT action FROM audit_log WHERE target = ? AND action IN ('plane.starting', "
                        + "'plane.running', 'plane.terminated') ORDER BY occurred_at, id", String.class, u.vmId))
                .containsSubsequence("plane.starting", "plane.running", "plane.terminated")
                .containsSubsequence("plane.starting", "plane.starting", "plane.running")
                .endsWith("plane.running"));
    }

    @Test
    void aLocalPlaneKilledWithKill9MidStreamIsReplacedOnItsDataAndTheStreamCompletesWithNothingLostOrDuplicated() throws Exception {
        User u = newUser();
        String session = newSession(u.token);
        assertThat(chat(u.token, session, "[[standin chunks=2 delay_ms=1]] first")).last().extracting(Event::type).isEqualTo("done");
        LocalProcessLauncher local = (LocalProcessLauncher) launcher;
        long pid = local.processOf(u.id).pid();

        var stream = sendMessage(u.token, session, "[[standin chunks=60 delay_ms=30]] long");
        List<Event> events = new java.util.ArrayList<>();
        int texts = 0;
        while (texts < 5) { // the kill point: during LLM streaming
            Event e = stream.next();
            assertThat(e.type()).isNotIn("done", "error");
            events.add(e);
            texts += e.type().equals("text") ? 1 : 0;
        }
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
        events.addAll(stream.all());
        stream.close();

        assertThat(events).last().extracting(Event::type).isEqualTo("done");
        assertThat(texts(events)).as("the final text of an uninterrupted run").isEqualTo(expectedAnswer("long", 60));
        assertThat(events).filteredOn(e -> e.type().equals("text")).as("no text event lost or duplicated").hasSize(60);
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                .contains("recovering").last().isEqualTo("resumed");
        assertIdsIncrease(events);
        assertThat(local.processOf(u.id).pid()).as("a replacement process").isNotEqualTo(pid);
        String reason = jdbc.queryForObject("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'
                ORDER BY terminated_at DESC LIMIT 1""", String.class, u.id);
        assertThat(reason).contains("crashed (exited)").contains("status 137");
        assertThat(meters.get("gateway.plane.recoveries").tag("outcome", "resumed").counter().count()).isPositive();
    }

    /**
     * The benchmark's shape: one user, 50 sessions at once, 64 chunks 5 ms apart, through a launched plane; every
     * turn is served whole. How fast is the benchmark's to say (bench/run, cell "(f) gateway new" at 50 clients:
     * time to first event p50 / p99 / max and the goal row on the slowest first event), not this test's.
     */
    @Test
    void oneLaunchedPlaneServesFiftyConcurrentTurns() throws Exception {
        User u = newUser();
        String first = newSession(u.token);
        assertThat(chat(u.token, first, "[[standin chunks=2 delay_ms=1]] warm up")).last().extracting(Event::type).isEqualTo("done");
        int sessions = 50;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(sessions);
        try {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                ids.add(newSession(u.token));
            }
            long t0 = System.nanoTime();
            List<CompletableFuture<long[]>> runs = new java.util.ArrayList<>();
            for (String session : ids) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        long start = System.nanoTime();
                        var stream = sendMessage(u.token, session, "[[standin chunks=64 delay_ms=5]] many");
                        long firstText = 0;
                        int texts = 0;
                        String last = null;
                        for (var e = stream.next(); e != null; e = stream.next()) {
                            if (e.type().equals("text") && texts++ == 0) {
                                firstText = System.nanoTime() - start;
                            }
                            last = e.type();
                        }
                        stream.close();
                        return new long[] {firstText / 1_000_000, (System.nanoTime() - start) / 1_000_000, texts,
                                "done".equals(last) ? 1 : 0};
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            List<long[]> results = new java.util.ArrayList<>();
            for (CompletableFuture<long[]> run : runs) {
                results.add(run.get(60, TimeUnit.SECONDS));
            }
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            long[] firsts = results.stream().mapToLong(r -> r[0]).sorted().toArray();
            io.micrometer.core.instrument.Timer relay = meters.get("gateway.plane.relay.latency").timer();
            System.out.printf("50 concurrent turns on one plane: wall %d ms, first text p50 %d ms max %d ms, turn max %d ms;"
                            + " gateway relay latency (plane frame in -> SSE write) mean %.2f ms max %.2f ms%n",
                    wallMs, firsts[firsts.length / 2], firsts[firsts.length - 1], results.stream().mapToLong(r -> r[1]).max().orElse(0),
                    relay.mean(TimeUnit.MILLISECONDS), relay.max(TimeUnit.MILLISECONDS));
            long texts = results.get(0)[2];
            assertThat(texts).isGreaterThanOrEqualTo(32);
            assertThat(results).allSatisfy(r -> {
                assertThat(r[3]).as("ended with done").isEqualTo(1);
                assertThat(r[2]).as("text events").isEqualTo(texts);
            });
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void networkBlipMidStreamLosesAndDuplicatesNothing() throws Exception {
        User u = newUser();
        ExecutionPlane plane = startPlane(u, Files.createTempDirectory("plane-blip"));
        try {
            String session = newSession(u.token);
            List<Event> events = chat(u.token, session, "[[standin chunks=12 delay_ms=20]] [[plane crash_after=4]] count");

            assertThat(events.get(events.size() - 1).type()).as(events.toString()).isEqualTo("done");
            assertThat(texts(events)).isEqualTo(expectedAnswer("count", 12));
            assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                    .containsExactly("reconnecting", "resumed");
            assertIdsIncrease(events);
        } finally {
            plane.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void planeKilledAndRestartedMidStreamResumesTheTurnFromItsCheckpointWithNoLostOrDuplicatedEvent() throws Exception {
        User u = newUser();
        Path dataDir = Files.createTempDirectory("plane-kill");
        ExecutionPlane first = startPlane(u, dataDir);
        String session = newSession(u.token);
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> {
            try {
                return chat(u.token, session, "[[standin chunks=40 delay_ms=30]] [[plane exit_after=6]] long");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        first.terminated().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        ExecutionPlane second = startPlane(u, dataDir); // same vm, same data dir: a restart
        try {
            List<Event> events = client.get(30, TimeUnit.SECONDS);
            assertThat(events).last().extracting(Event::type).isEqualTo("done");
            assertThat(texts(events)).isEqualTo(expectedAnswer("long", 40));
            assertThat(events).filteredOn(e -> e.type().equals("text")).hasSize(40);
            assertIdsIncrease(events);

            // the restarted plane answers the next message normally
            List<Event> next = chat(u.token, session, "[[standin chunks=3 delay_ms=1]] again");
            assertThat(next.get(next.size() - 1).type()).isEqualTo("done");
        } finally {
            second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private record User(String id, String token, String vmId) {
    }

    private User newUser() throws Exception {
        String id = "u-ref-" + System.nanoTime();
        String token = tokenFor(id, "org-acme");
        newSession(token);
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return new User(id, token, "vm-" + id);
    }

    private ExecutionPlane startPlane(User u, Path dataDir) throws Exception {
        PlaneOptions options = new PlaneOptions()
                .setGatewayUrl(planeConfig.publicUrlOrDefault())
                .setToken(vmTokens.issue(u.id, "org-acme", u.vmId))
                .setVmId(u.vmId)
                .setDataDir(dataDir.toString())
                .setLlmBaseUrl(llmBaseUrl)
                .setBackoffBaseMs(100)
                .setBackoffCapMs(500);
        ExecutionPlane plane = ExecutionPlane.start(vertx, options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registry.liveLink(u.id) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(registry.liveLink(u.id)).as("plane connected").isNotNull();
        return plane;
    }

    /** The stand-in LLM's deterministic answer (src/standin-llm StandinAnswer). */
    private static String expectedAnswer(String message, int chunks) {
        StringBuilder b = new StringBuilder("Stand-in reply to \"" + message + "\":");
        for (int i = 1; i < chunks; i++) {
            b.append(" token-").append(i);
        }
        return b.toString();
    }

    private static String texts(List<Event> events) {
        return events.stream().filter(e -> e.type().equals("text")).map(e -> e.json().get("delta").asText())
                .collect(Collectors.joining());
    }

    private static void assertIdsIncrease(List<Event> events) {
        long previous = Long.MIN_VALUE;
        for (Event e : events) {
            assertThat(e.id()).isGreaterThan(previous);
            previous = e.id();
        }
    }
}
