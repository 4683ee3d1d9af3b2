package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.DockerEngine;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SecondGateway;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import io.chatgw.plane.launch.PlaneLauncher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * A docker-launcher gateway that stops and starts again (two gateways in turn on one database, one deployment and one
 * plane port): its running containers outlive it, and the restarted gateway adopts them (they reconnect; the user's
 * next message is answered by the same container, no second one is started) and reaps the ones it does not need
 * (a stopped container of the deployment, an unclaimed warm-pool member). A gateway that stops while its warm pool is
 * being filled leaves no pool container or volume behind.
 */
class DockerGatewayRestartIT extends GatewayTestBase {

    private static final String DEPLOYMENT = "rs" + Long.toHexString(System.nanoTime());
    private static final String POOL_DEPLOYMENT = "rp" + Long.toHexString(System.nanoTime());

    @Value("${spring.datasource.url}")
    String datasourceUrl;

    @BeforeAll
    static void image() throws Exception {
        DockerEngine.requireReachable();
        DockerEngine.buildLocalPlaneImage();
    }

    @AfterAll
    static void removeContainers() throws Exception {
        DockerEngine.removeDeployment(DEPLOYMENT);
        DockerEngine.removeDeployment(POOL_DEPLOYMENT);
    }

    @Test
    void aRestartedGatewayAdoptsItsRunningContainersInsteadOfStartingDuplicatesAndReapsTheOthers() throws Exception {
        String user = "u-restart-" + System.nanoTime();
        String token = tokenFor(user, "org-acme");
        newSession(token);
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", user);
        int planePort = SecondGateway.freePort();
        String container = "chatgw-" + DEPLOYMENT + "-" + user;

        String first;
        try (SecondGateway before = dockerGateway(planePort)) {
            SseClient client = new SseClient(before.port());
            assertThat(chat(client, token, "[[standin chunks=3 delay_ms=1]] before the restart")).last()
                    .extracting(Event::type).isEqualTo("done");
            first = DockerEngine.inspect(container).get("Id").asText();
        }
        assertThat(DockerEngine.inspect(container).at("/State/Running").asBoolean())
                .as("the container outlives its gateway").isTrue();
        String stopped = DockerEngine.run("create", "--label", "io.chatgw.deployment=" + DEPLOYMENT,
                "--label", "io.chatgw.user=u-gone", "chatgw/execution-plane:local", "/bin/false");
        // an earlier gateway's unclaimed warm-pool member (one whose start outlasted that gateway's stop)
        String member = "chatgw-" + DEPLOYMENT + "-pool-0badf00d";
        String unclaimed = DockerEngine.run("create", "--name", member, "--label", "io.chatgw.deployment=" + DEPLOYMENT,
                "--label", "io.chatgw.pool=true", "-v", member + "-data:/data", "chatgw/execution-plane:local", "/bin/false");

        try (SecondGateway after = dockerGateway(planePort)) {
            assertThat(exists(stopped)).as("a stopped container of the deployment is reaped at start").isFalse();
            assertThat(exists(unclaimed)).as("an unclaimed pool member is reaped at start").isFalse();
            assertThat(DockerEngine.run("volume", "ls", "-q", "--filter", "name=" + member)).as("with its volume").isBlank();
            SseClient client = new SseClient(after.port());
            List<Event> events = chat(client, token, "[[standin chunks=3 delay_ms=1]] after the restart");
            assertThat(events).last().extracting(Event::type).isEqualTo("done");
            assertThat(events.get(0).json().path("path").asText()).isEqualTo("new");
            assertThat(DockerEngine.inspect(container).get("Id").asText()).as("the adopted container answered").isEqualTo(first);
            assertThat(DockerEngine.containersOfUser(DEPLOYMENT, user)).as("no duplicate").hasSize(1);
            assertThat(jdbc.queryForObject("""
                    SELECT status FROM user_vm_instances WHERE user_id = ? AND status <> 'terminated'""", String.class, user))
                    .isEqualTo("running");
        }
    }

    /**
     * The refill starts the pool's members one at a time; the gateway is stopped as soon as the first appears on the
     * engine, so a member's create/start is in progress then. The stop waits for it and removes every member.
     */
    @Test
    void aGatewayStoppedWhileItsWarmPoolFillsLeavesNoPoolContainerOrVolumeBehind() throws Exception {
        String[] poolContainers = {"ps", "-aq", "--filter", "label=io.chatgw.deployment=" + POOL_DEPLOYMENT,
                "--filter", "label=io.chatgw.pool=true"};
        int ready;
        try (SecondGateway gateway = dockerGateway(SecondGateway.freePort(), POOL_DEPLOYMENT, "3")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !DockerEngine.run(poolContainers).isBlank());
            ready = gateway.bean(PlaneLauncher.class).warmPoolSize();
        }
        assertThat(ready).as("the refill was still under way when the gateway stopped").isLessThan(3);
        assertThat(DockerEngine.run(poolContainers)).as("pool containers left on the engine").isBlank();
        assertThat(DockerEngine.run("volume", "ls", "-q", "--filter", "name=chatgw-" + POOL_DEPLOYMENT + "-pool-"))
                .as("pool volumes left on the engine").isBlank();
    }

    private SecondGateway dockerGateway(int planePort) throws Exception {
        return dockerGateway(planePort, DEPLOYMENT, "0");
    }

    /** A gateway with the docker launcher; its planes reconnect quickly (backoff cap 500 ms) after it restarts. */
    private SecondGateway dockerGateway(int planePort, String deployment, String warmPoolSize) throws Exception {
        String java = System.getProperty("java.home") + "/bin/java";
        return new SecondGateway(datasourceUrl, planePort, List.of("docker-local"), Map.of(
                "gateway.plane.docker.deployment", deployment, "gateway.plane.docker.warm-pool-size", warmPoolSize,
                "gateway.plane.start-timeout", "60s", "gateway.plane.missed-pongs", "10",
                "gateway.plane.first-event-timeout", "15s", "gateway.plane.idle-timeout", "15s",
                "gateway.plane.docker.command", java + ",-Xmx128m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,"
                        + "-XX:SharedArchiveFile=/plane/cds/plane.jsa,-cp,"
                        + "/plane/reference-runtime.jar:/plane/lib/*,io.chatgw.runtime.RuntimeMain,--mode=ws,"
                        + "--backoff-base-ms=100,--backoff-cap-ms=500"));
    }

    private static List<Event> chat(SseClient client, String token, String message) throws Exception {
        String session = JSON.readTree(client.send("POST", "/api/v1/sessions", token, null, null).body())
                .get("session_id").asText();
        try (SseClient.Stream stream = client.post("/api/v1/sessions/" + session + "/messages", token,
                JSON.writeValueAsString(Map.of("message", message)))) {
            assertThat(stream.status()).isEqualTo(200);
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return stream.all();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static boolean exists(String container) throws Exception {
        return !DockerEngine.run("ps", "-aq", "--no-trunc", "--filter", "id=" + container).isBlank();
    }
}
