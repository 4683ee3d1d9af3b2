package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.DockerEngine;
import io.chatgw.support.SseClient.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The docker launcher against the real engine (started by .ci/run when none answers): a user's first message
 * creates a container from the local plane image (docker/build-local-plane-image) and the chat completes through
 * it; concurrent first messages start one container; a killed container is detected from the engine's events and
 * replaced, on the same volume, by the next message.
 */
class DockerPlaneIT extends DockerPlaneTestBase {

    @org.junit.jupiter.api.extension.RegisterExtension
    final io.chatgw.support.LoggedErrors errors = new io.chatgw.support.LoggedErrors();

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aFirstMessageStartsAContainerFromTheImageAndTheChatCompletesThroughIt() throws Exception {
        User u = newUser();
        List<Event> events = chat(u.token, newSession(u.token), "please use a tool");

        assertThat(events.get(0).json().get("path").asText()).isEqualTo("new");
        assertThat(events).last().extracting(Event::type).isEqualTo("done");
        assertThat(events.stream().map(Event::type).distinct().collect(Collectors.toList()))
                .contains("plan_step", "skill_call", "skill_result", "mcp_call", "mcp_result", "text");
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT mode, status, disk_id, config::text AS config FROM user_vm_instances WHERE user_id = ? AND status <> 'terminated'", u.id);
        assertThat(row).containsEntry("mode", "docker").containsEntry("status", "running");

        JsonNode container = DockerEngine.inspect(containerOf(u));
        assertThat(container.at("/State/Running").asBoolean()).isTrue();
        assertThat(container.at("/Config/Image").asText()).isEqualTo("chatgw/execution-plane:local");
        assertThat(container.at("/Config/Labels/io.chatgw.user").asText()).isEqualTo(u.id);
        assertThat(container.at("/Config/Labels/io.chatgw.org").asText()).isEqualTo("org-acme");
        assertThat(container.at("/Config/Labels/io.chatgw.vm_id").asText()).isEqualTo("vm-" + u.id);
        assertThat(container.at("/Config/Labels/io.chatgw.deployment").asText()).isEqualTo(DEPLOYMENT);
        assertThat(container.at("/HostConfig/Memory").asLong()).isEqualTo(512L * 1024 * 1024);
        assertThat(container.at("/HostConfig/NanoCpus").asLong()).isEqualTo(1_000_000_000L);
        assertThat(container.at("/HostConfig/NetworkMode").asText()).isEqualTo("host");
        List<String> env = new ArrayList<>();
        container.at("/Config/Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("PLANE_USER_ID=" + u.id, "PLANE_VM_ID=vm-" + u.id, "PLANE_DATA_DIR=/data")
                .anyMatch(e -> e.startsWith("GATEWAY_VM_TOKEN=ey")).anyMatch(e -> e.startsWith("GATEWAY_URL=ws://"));
        assertThat(volumeAtData(container)).as("the user's named volume is the row's disk_id").isEqualTo(row.get("disk_id"));

        // the same container answers the user's next message
        String id = container.get("Id").asText();
        assertThat(chat(u.token, newSession(u.token), "[[standin chunks=2 delay_ms=1]] again")).last()
                .extracting(Event::type).isEqualTo("done");
        assertThat(DockerEngine.inspect(containerOf(u)).get("Id").asText()).isEqualTo(id);
        assertThat(errors.lines()).as("the start's expected engine answers (no old container of the name) are no ERRORs")
                .isEmpty();
    }

    @Test
    void twentyConcurrentFirstMessagesOfOneUserStartExactlyOneContainer() throws Exception {
        User u = newUser();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sessions.add(newSession(u.token));
        }
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<List<Event>>> runs = new ArrayList<>();
            for (String session : sessions) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return chat(u.token, session, "[[standin chunks=3 delay_ms=1]] at once");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            for (CompletableFuture<List<Event>> run : runs) {
                List<Event> events = run.get(90, TimeUnit.SECONDS);
                assertThat(events).last().extracting(Event::type).isEqualTo("done");
                assertThat(events.get(0).json().get("path").asText()).isEqualTo("new");
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(DockerEngine.containersOfUser(DEPLOYMENT, u.id)).as("containers of the user").hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_vm_instances WHERE user_id = ?", Integer.class, u.id))
                .as("instance rows of the user").isEqualTo(1);
    }

    @Test
    void aContainerKilledMidStreamIsReplacedOnTheSameVolumeAndTheStreamCompletesWithNothingLostOrDuplicated() throws Exception {
        User u = newUser();
        String session = newSession(u.token);
        assertThat(chat(u.token, session, "[[standin chunks=2 delay_ms=1]] first")).last().extracting(Event::type).isEqualTo("done");
        JsonNode first = DockerEngine.inspect(containerOf(u));
        String volume = volumeAtData(first);
        double crashesBefore = crashes("killed");

        var stream = sendMessage(u.token, session, "[[standin chunks=60 delay_ms=30]] long");
        List<Event> events = new ArrayList<>();
        int texts = 0;
        while (texts < 5) { // the kill point: during LLM streaming
            Event e = stream.next();
            assertThat(e.type()).isNotIn("done", "error");
            events.add(e);
            texts += e.type().equals("text") ? 1 : 0;
        }
        DockerEngine.run("kill", first.get("Id").asText());
        events.addAll(stream.all());
        stream.close();

        assertThat(events).last().extracting(Event::type).isEqualTo("done");
        StringBuilder expected = new StringBuilder("Stand-in reply to \"long\":");
        for (int i = 1; i < 60; i++) {
            expected.append(" token-").append(i);
        }
        assertThat(events.stream().filter(e -> e.type().equals("text")).map(e -> e.json().get("delta").asText())
                .collect(Collectors.joining())).as("the final text of an uninterrupted run").isEqualTo(expected.toString());
        assertThat(events).filteredOn(e -> e.type().equals("text")).as("no text event lost or duplicated").hasSize(60);
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                .contains("recovering").last().isEqualTo("resumed");
        long previous = Long.MIN_VALUE;
        for (Event e : events) {
            assertThat(e.id()).as("ids strictly increasing").isGreaterThan(previous);
            previous = e.id();
        }
        assertThat(crashes("killed")).isEqualTo(crashesBefore + 1);
        String reason = jdbc.queryForObject("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'
                ORDER BY terminated_at DESC LIMIT 1""", String.class, u.id);
        assertThat(reason).contains("crashed (killed)").contains("exited with code 137");

        JsonNode second = DockerEngine.inspect(containerOf(u));
        assertThat(second.get("Id").asText()).as("a fresh container").isNotEqualTo(first.get("Id").asText());
        assertThat(volumeAtData(second)).as("on the same volume").isEqualTo(volume);
        assertThat(DockerEngine.containersOfUser(DEPLOYMENT, u.id)).hasSize(1);
    }

    /**
     * What the gateway does with its deployment's containers at start (route plane-docker-adopt, run here again as
     * after a restart): a running one of a user it has no plane for is adopted, and removed when it does not say hello
     * by the start timeout; a stopped one, and a second one for a user who has one, are removed.
     */
    @Test
    void atStartRunningContainersAreAdoptedOrphansRemovedAndNoUserGetsTwo() throws Exception {
        User u = newUser();
        assertThat(chat(u.token, newSession(u.token), "[[standin chunks=2 delay_ms=1]] hi")).last().extracting(Event::type)
                .isEqualTo("done");
        String own = DockerEngine.inspect(containerOf(u)).get("Id").asText();
        String stopped = DockerEngine.run("create", "--label", "io.chatgw.deployment=" + DEPLOYMENT,
                "--label", "io.chatgw.user=u-gone", "chatgw/execution-plane:local", "/bin/false");
        String second = runningPlaneContainer(u.id);
        String adoptable = runningPlaneContainer("u-adopt-" + System.nanoTime());
        double timeoutsBefore = startTimeouts();

        camel.createProducerTemplate().sendBody("direct:plane-docker-adopt", null);

        assertThat(exists(stopped)).as("a stopped container of the deployment").isFalse();
        assertThat(exists(second)).as("a second container of a user who has one").isFalse();
        assertThat(exists(own)).as("the user's plane").isTrue();
        assertThat(exists(adoptable)).as("adopted").isTrue();
        // it dials a gateway that is not there: no hello by the start timeout (60 s here), so it is removed
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> !exists(adoptable));
        assertThat(startTimeouts()).isEqualTo(timeoutsBefore + 1);
        assertThat(exists(own)).isTrue();
    }

    @Autowired
    org.apache.camel.CamelContext camel;
    @org.springframework.beans.factory.annotation.Value("${gateway.llm.base-url}")
    String llmBaseUrl;

    /** A running plane container of this deployment left by an earlier gateway: it dials a port nobody listens on. */
    private String runningPlaneContainer(String userId) throws Exception {
        return DockerEngine.run("run", "-d", "--network", "host",
                "--label", "io.chatgw.deployment=" + DEPLOYMENT, "--label", "io.chatgw.user=" + userId,
                "--label", "io.chatgw.org=org-acme", "--label", "io.chatgw.vm_id=vm-" + userId,
                "-e", "GATEWAY_URL=ws://127.0.0.1:9/ws/vm", "-e", "GATEWAY_VM_TOKEN=not-a-token", "-e", "PLANE_VM_ID=vm-" + userId,
                "-e", "PLANE_LLM_BASE_URL=" + llmBaseUrl, "-e", "PLANE_DATA_DIR=/tmp/plane",
                "-v", "/usr/lib:/usr/lib:ro", "-v", "/usr/lib64:/usr/lib64:ro", "-v", "/etc/java-17-openjdk:/etc/java-17-openjdk:ro",
                "-v", System.getProperty("user.dir") + "/src/runtime/target/reference-runtime-exec.jar:/plane/plane.jar:ro",
                "chatgw/execution-plane:local", System.getProperty("java.home") + "/bin/java", "-Xmx64m", "-jar",
                "/plane/plane.jar", "--mode=ws");
    }

    private static boolean exists(String container) throws Exception {
        return !DockerEngine.run("ps", "-aq", "--no-trunc", "--filter", "id=" + container).isBlank();
    }

    private double startTimeouts() {
        var counter = meters.find("gateway.plane.starts").tag("outcome", "timeout").counter();
        return counter == null ? 0 : counter.count();
    }

    private double crashes(String cause) {
        var counter = meters.find("gateway.plane.crashes").tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }

    private record User(String id, String token) {
    }

    private User newUser() throws Exception {
        String id = "u-dock-" + System.nanoTime();
        String token = tokenFor(id, "org-acme");
        newSession(token);
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return new User(id, token);
    }

    private static String containerOf(User u) {
        return containerOf(u.id);
    }
}
