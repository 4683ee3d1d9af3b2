package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.DockerEngine;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Idle plane containers on the real engine, with short settings (idle-pause 2 s, idle-stop 12 s, socket-idle-timeout
 * 3 s): paused when idle, still connected after the socket idle timeout, unpaused by the next message, removed after
 * idle-stop with the volume kept; a busy but silent plane is not paused;
 * the admin stop and the retained-volume listing. Its gateway stops after the class (a warm pool of 1: the stop removes
 * the member the refill started after the cleanup below removed the last one).
 */
@ActiveProfiles("docker-local")
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
class DockerIdlePlanesIT extends GatewayTestBase {

    @org.junit.jupiter.api.extension.RegisterExtension
    final io.chatgw.support.LoggedErrors errors = new io.chatgw.support.LoggedErrors();

    private static final String DEPLOYMENT = "idle" + Long.toHexString(System.nanoTime());

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void idleSettings(DynamicPropertyRegistry registry) {
        registry.add("gateway.plane.docker.deployment", () -> DEPLOYMENT);
        registry.add("gateway.plane.idle-pause", () -> "2s");
        registry.add("gateway.plane.idle-stop", () -> "12s");
        registry.add("gateway.plane.socket-idle-timeout", () -> "3s");
        registry.add("gateway.plane.idle-check-interval", () -> "250ms");
        registry.add("gateway.plane.docker.volume-retention", () -> "0s");
        registry.add("gateway.plane.docker.warm-pool-size", () -> "1");
        DockerPlaneTestBase.slowMachine(registry);
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
    void anIdlePlaneIsPausedUnpausedByTheNextMessageAndRemovedAfterIdleStopWithItsVolumeKept() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        assertThat(chat(token, newSession(token), "[[standin chunks=2 delay_ms=1]] hello")).last()
                .extracting(Event::type).isEqualTo("done");
        String container = containerOf(user);
        String id = DockerEngine.inspect(container).get("Id").asText();
        double pausesBefore = count("gateway.plane.pauses");
        double unpausesBefore = count("gateway.plane.unpauses");

        Awaitility.await().atMost(Duration.ofSeconds(8)).until(() -> DockerEngine.inspect(container).at("/State/Paused").asBoolean());
        assertThat(rowStatus(user)).isEqualTo("frozen");
        assertThat(meters.get("gateway.plane.containers").tag("status", "paused").gauge().value()).isGreaterThanOrEqualTo(1);
        double reconnectsBefore = count("gateway.plane.reconnects");
        Thread.sleep(4500); // paused longer than socket-idle-timeout: the gateway's pings keep its socket open
        assertThat(DockerEngine.inspect(container).at("/State/Paused").asBoolean()).isTrue();

        List<Event> next = chat(token, newSession(token), "[[standin chunks=3 delay_ms=1]] wake up");
        assertThat(next).last().extracting(Event::type).isEqualTo("done");
        JsonNode woken = DockerEngine.inspect(container);
        assertThat(woken.get("Id").asText()).as("the same container, unpaused").isEqualTo(id);
        assertThat(woken.at("/State/Paused").asBoolean()).isFalse();
        assertThat(rowStatus(user)).isEqualTo("running");
        assertThat(count("gateway.plane.pauses")).isGreaterThan(pausesBefore);
        assertThat(count("gateway.plane.unpauses")).isGreaterThan(unpausesBefore);
        assertThat(count("gateway.plane.reconnects")).as("the paused plane's socket stayed open").isEqualTo(reconnectsBefore);
        String volume = volumeAtData(woken);

        // by name: a container claimed from the warm pool keeps the pool's labels (labels cannot change), so a
        // lookup by the user's label finds nothing from the start
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !containerExists(container));
        assertThat(DockerEngine.run("volume", "inspect", "-f", "{{.Name}}", volume)).as("the volume is kept").isEqualTo(volume);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'
                ORDER BY terminated_at DESC LIMIT 1""", String.class, user)).singleElement().asString().contains("stopped: idle"));

        assertThat(chat(token, newSession(token), "[[standin chunks=2 delay_ms=1]] back")).last()
                .extracting(Event::type).isEqualTo("done");
        JsonNode fresh = DockerEngine.inspect(container);
        assertThat(fresh.get("Id").asText()).as("a fresh container").isNotEqualTo(id);
        assertThat(volumeAtData(fresh)).as("on the same volume").isEqualTo(volume);
    }

    @Test
    void aPlaneBusyWithASilentTurnIsNotPaused() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        String session = newSession(token);
        assertThat(chat(token, session, "[[standin chunks=2 delay_ms=1]] hello")).last().extracting(Event::type).isEqualTo("done");
        // the LLM says nothing for 5 s, more than twice the idle-pause: the turn in flight is activity
        try (SseClient.Stream stream = sendMessage(token, session, "[[standin chunks=2 delay_ms=1 first_byte_delay_ms=5000]] slow")) {
            Thread.sleep(4000);
            assertThat(DockerEngine.inspect(containerOf(user)).at("/State/Paused").asBoolean()).isFalse();
            assertThat(stream.all()).last().extracting(Event::type).isEqualTo("done");
        }
    }

    @Test
    void anAdminStopsAUsersPlaneKeepingItsVolumeWhichTheVolumeListingShows() throws Exception {
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");
        assertThat(chat(token, newSession(token), "[[standin chunks=2 delay_ms=1]] hello")).last()
                .extracting(Event::type).isEqualTo("done");
        String volume = volumeAtData(DockerEngine.inspect(containerOf(user)));
        String admin = tokenFor("u-admin", "org-acme", "admin");

        HttpResponse<String> stopped = stop(admin, user, "{\"reason\":\"maintenance\"}");
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(JSON.readTree(stopped.body()).path("data_kept").asBoolean()).isTrue();
        assertThat(DockerEngine.containersOfUser(DEPLOYMENT, user)).isEmpty();
        assertThat(DockerEngine.run("volume", "inspect", "-f", "{{.Name}}", volume)).isEqualTo(volume);
        assertThat(jdbc.queryForObject("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'
                ORDER BY terminated_at DESC LIMIT 1""", String.class, user)).contains("admin u-admin: maintenance");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_log WHERE action = 'plane.stop_requested' AND target = ?", Integer.class, user) == 1);

        assertThat(stop(admin, user, null).statusCode()).as("no plane any more").isEqualTo(404);
        assertThat(stop(admin, "not a user id!", null).statusCode()).isEqualTo(400);
        assertThat(stop(admin, user, "{\"why\":1}").statusCode()).as("unknown key").isEqualTo(400);
        assertThat(stop(token, user, null).statusCode()).as("not an admin").isEqualTo(403);

        HttpResponse<String> listing = client.send("GET", "/api/v1/admin/planes/volumes", admin, null, null);
        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
        JsonNode entry = null;
        for (JsonNode v : JSON.readTree(listing.body()).get("volumes")) {
            entry = v.get("name").asText().equals(volume) ? v : entry;
        }
        assertThat(entry).as("the user's volume is listed").isNotNull();
        assertThat(entry.get("user_id").asText()).isEqualTo(user);
        assertThat(entry.get("in_use").asBoolean()).isFalse();
        assertThat(entry.get("past_retention").asBoolean()).as("retention 0 s here").isTrue();

        assertThat(chat(token, newSession(token), "[[standin chunks=2 delay_ms=1]] again")).last()
                .extracting(Event::type).isEqualTo("done");
        assertThat(volumeAtData(DockerEngine.inspect(containerOf(user)))).isEqualTo(volume);
    }

    @Test
    void aNewUsersFirstMessageClaimsARehearsedWarmContainerWhoseVolumeBecomesTheUsersAndThePoolIsRefilled() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> gauge("gateway.plane.warm.pool.size") == 1);
        String member = DockerEngine.run("ps", "-q", "--no-trunc", "--filter", "label=io.chatgw.deployment=" + DEPLOYMENT,
                "--filter", "label=io.chatgw.pool=true", "--filter", "name=chatgw-" + DEPLOYMENT + "-pool-");
        assertThat(member.lines().count()).as("one unclaimed member").isEqualTo(1);
        Awaitility.await("the member rehearses while it waits (PlaneRehearsal)").atMost(Duration.ofSeconds(60))
                .until(() -> DockerEngine.run("logs", member.strip()).contains("rehearsed 3 turns"));
        double claims = count("gateway.plane.warm.pool.claims");
        long warmStarts = meters.get("gateway.plane.start.latency").tag("from", "warm").timer().count();
        String user = newPlaneUser();
        String token = tokenFor(user, "org-acme");

        assertThat(chat(token, newSession(token), "[[standin chunks=3 delay_ms=1]] warm")).last()
                .extracting(Event::type).isEqualTo("done");
        JsonNode container = DockerEngine.inspect(containerOf(user));
        assertThat(container.get("Id").asText()).as("the pool's container, renamed to the user's").isEqualTo(member.strip());
        assertThat(container.at("/Config/Labels/io.chatgw.pool").asText()).isEqualTo("true");
        String disk = jdbc.queryForObject("SELECT disk_id FROM user_vm_instances WHERE user_id = ? AND status <> 'terminated'",
                String.class, user);
        assertThat(volumeAtData(container)).as("its volume is the user's disk_id").isEqualTo(disk).contains("-pool-");
        assertThat(count("gateway.plane.warm.pool.claims")).isEqualTo(claims + 1);
        assertThat(meters.get("gateway.plane.start.latency").tag("from", "warm").timer().count()).isEqualTo(warmStarts + 1);
        java.nio.file.Path data = java.nio.file.Path.of(DockerEngine.run("volume", "inspect", "-f", "{{.Mountpoint}}", disk));
        assertThat(data.resolve("claim.json")).as("the claim (with its token) is not left on the volume").doesNotExist();
        assertThat(data.resolve(".rehearsal")).as("the rehearsal leaves nothing on the user's volume").doesNotExist();
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> gauge("gateway.plane.warm.pool.size") == 1);
        assertThat(errors.lines()).as("the claim's expected engine answers (no old container of the name) are no ERRORs")
                .isEmpty();
    }

    private double gauge(String name) {
        var gauge = meters.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private HttpResponse<String> stop(String token, String user, String body) throws Exception {
        return client.send("POST", "/api/v1/admin/users/" + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/plane/stop", token, body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private String newPlaneUser() throws Exception {
        String id = "u-idle-" + System.nanoTime();
        newSession(tokenFor(id, "org-acme"));
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return id;
    }

    private String rowStatus(String user) {
        return jdbc.queryForObject("SELECT status FROM user_vm_instances WHERE user_id = ? AND status <> 'terminated'",
                String.class, user);
    }

    private double count(String name) {
        var counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private static boolean containerExists(String name) throws Exception {
        return Arrays.asList(DockerEngine.run("ps", "-a", "--format", "{{.Names}}").split("\\s+")).contains(name);
    }

    private static String containerOf(String user) {
        return "chatgw-" + DEPLOYMENT + "-" + user;
    }

    private static String volumeAtData(JsonNode container) {
        return DockerPlaneTestBase.volumeAtData(container);
    }
}
