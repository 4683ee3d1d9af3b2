package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.plane.launch.LaunchedPlanes;
import io.chatgw.support.DockerEngine;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Planes that never get going, on the real engine: the containers of this gateway run the reference plane told to dial
 * a port nobody listens on, so none ever says hello. No hello by the start timeout (6 s here): the container is
 * removed, the row terminated, the turn ends with {@code vm_unavailable} (no fallback configured for the new path here).
 * A container that dies before its hello (killed by the test) fails the turn at once, saying so; the third such crash
 * within the window starts the crash-loop backoff: no container is started for the user until it is over, then the next
 * message tries again. The inspect safety net runs every 10 min here, so every crash is seen through the engine's event
 * stream ({@code docker:events}, cause {@code killed}).
 */
@ActiveProfiles("docker-local")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DockerPlaneStartFailuresIT extends GatewayTestBase {

    private static final String DEPLOYMENT = "sf" + Long.toHexString(System.nanoTime());

    @Autowired
    MeterRegistry meters;
    @Autowired
    LaunchedPlanes launched;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("gateway.plane.docker.deployment", () -> DEPLOYMENT);
        registry.add("gateway.plane.docker.command", () -> System.getProperty("java.home") + "/bin/java,-Xmx64m,"
                + "-XX:+UseSerialGC,-cp,/plane/reference-runtime.jar:/plane/lib/*,io.chatgw.runtime.RuntimeMain,--mode=ws,"
                + "--gateway-url=ws://127.0.0.1:9/ws/vm");
        registry.add("gateway.plane.start-timeout", () -> "6s");
        registry.add("gateway.plane.crash-loop-crashes", () -> "3");
        registry.add("gateway.plane.crash-loop-window", () -> "5m");
        registry.add("gateway.plane.crash-loop-backoff", () -> "10s");
        registry.add("gateway.plane.poll-interval", () -> "10m");
        registry.add("gateway.resilience.fallback-to.new", () -> "none");
    }

    @BeforeAll
    static void image() throws Exception {
        DockerEngine.requireReachable();
        DockerEngine.buildLocalPlaneImage();
    }

    @AfterAll
    static void removeContainers() throws Exception {
        DockerEngine.removeDeployment(DEPLOYMENT);
    }

    @Test
    void aContainerWhosePlaneNeverSaysHelloIsRemovedAtTheStartTimeoutAndTheTurnEndsWithVmUnavailable() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        double timeouts = count("gateway.plane.starts", "outcome", "timeout");

        List<Event> events = chat(token, newSession(token), "hello?");

        Event last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.json().get("code").asText()).isEqualTo("vm_unavailable");
        assertThat(last.json().get("message").asText()).contains("no execution plane said hello within 6 s");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> DockerEngine.containersOfUser(DEPLOYMENT, user).isEmpty());
        // the row is terminated after the container's removal (LaunchedPlanes: stop, then the row)
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(terminatedReasons(user))
                .singleElement().asString().contains("no hello within 6 s"));
        assertThat(count("gateway.plane.starts", "outcome", "timeout")).isEqualTo(timeouts + 1);
        assertThat(DockerEngine.run("volume", "ls", "-q", "--filter", "name=chatgw-" + DEPLOYMENT + "-" + user + "-data"))
                .as("the user's volume is kept").isNotBlank();
    }

    @Test
    void aPlaneThatCrashesBeforeItsHelloFailsTheTurnAtOnceAndThreeCrashesHoldOffNewStartsUntilTheBackoffEnds() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        double killed = count("gateway.plane.crashes", "cause", "killed");
        double inspected = count("gateway.plane.crashes", "cause", "inspect");

        for (int crash = 1; crash <= 3; crash++) {
            Event last = lastEventWhenKilledAtStart(user, token);
            assertThat(last.json().get("code").asText()).isEqualTo("vm_unavailable");
            assertThat(last.json().get("message").asText()).as("crash " + crash)
                    .contains("exited before its hello").contains("exited with code 137");
            if (crash == 3) {
                assertThat(last.json().get("message").asText()).contains("crashed 3 times within 300 s");
            }
        }
        assertThat(count("gateway.plane.crashes", "cause", "killed")).as("seen through docker:events").isEqualTo(killed + 3);
        assertThat(count("gateway.plane.crashes", "cause", "inspect")).as("not through the inspect").isEqualTo(inspected);

        List<Event> refused = chat(token, newSession(token), "once more");
        Event last = refused.get(refused.size() - 1);
        assertThat(last.json().get("code").asText()).isEqualTo("vm_unavailable");
        assertThat(last.json().get("message").asText()).contains("crashed 3 times").contains("the next try is in");
        assertThat(instanceRows(user)).as("no container is started during the backoff").isEqualTo(3);
        assertThat(DockerEngine.containersOfUser(DEPLOYMENT, user)).isEmpty();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> launched.refusal(user) == null);
        Event afterBackoff = lastEventWhenKilledAtStart(user, token);
        assertThat(afterBackoff.json().get("message").asText()).as("a fresh try, counted anew")
                .contains("exited before its hello").doesNotContain("crashed 3 times");
        assertThat(instanceRows(user)).isEqualTo(4);
    }

    /** Sends a message, kills the user's container as soon as it runs (its plane has not said hello), reads the turn. */
    private Event lastEventWhenKilledAtStart(String user, String token) throws Exception {
        try (SseClient.Stream stream = sendMessage(token, newSession(token), "[[standin chunks=2 delay_ms=1]] hi")) {
            String[] running = {"ps", "-q", "--filter", "label=io.chatgw.deployment=" + DEPLOYMENT,
                    "--filter", "label=io.chatgw.user=" + user, "--filter", "status=running"};
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !DockerEngine.run(running).isBlank());
            DockerEngine.run("kill", DockerEngine.run(running).strip());
            List<Event> events = stream.all();
            Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("error");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> DockerEngine.containersOfUser(DEPLOYMENT, user).isEmpty());
            return last;
        }
    }

    private String newPlaneUser() throws Exception {
        String id = "u-sf-" + System.nanoTime();
        newSession(tokenFor(id, "org-acme"));
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return id;
    }

    private List<String> terminatedReasons(String user) {
        return jdbc.queryForList("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'""",
                String.class, user);
    }

    private int instanceRows(String user) {
        return jdbc.queryForObject("SELECT count(*) FROM user_vm_instances WHERE user_id = ?", Integer.class, user);
    }

    private double count(String name, String tag, String value) {
        var counter = meters.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }
}
