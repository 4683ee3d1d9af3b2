package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.DockerEngine;
import io.chatgw.support.GatewayTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The docker launcher's tests against the real engine (started by .ci/run when none answers), in one Spring context
 * (profile docker-local: the local plane image, docker/build-local-plane-image) with a deployment of its own, so its
 * containers are told apart from any other gateway's on the engine.
 */
@ActiveProfiles("docker-local")
abstract class DockerPlaneTestBase extends GatewayTestBase {

    static final String DEPLOYMENT = "it" + Long.toHexString(System.nanoTime());

    @DynamicPropertySource
    static void deployment(DynamicPropertyRegistry registry) {
        registry.add("gateway.plane.docker.deployment", () -> DEPLOYMENT);
        slowMachine(registry);
    }

    /**
     * A container's JVM may take well over the test profile's 20 s to start on a machine shared by several builds, and
     * miss pings there: room for both (the timeouts' behaviour is tested with short settings elsewhere).
     */
    static void slowMachine(DynamicPropertyRegistry registry) {
        registry.add("gateway.plane.start-timeout", () -> "60s");
        registry.add("gateway.plane.missed-pongs", () -> "10");
        registry.add("gateway.plane.first-event-timeout", () -> "15s");
        registry.add("gateway.plane.idle-timeout", () -> "15s");
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

    /** The user's container (named after the user). */
    static String containerOf(String userId) {
        return "chatgw-" + DEPLOYMENT + "-" + userId;
    }

    static String volumeAtData(JsonNode container) {
        for (JsonNode mount : container.get("Mounts")) {
            if (mount.get("Destination").asText().equals("/data")) {
                assertThat(mount.get("Type").asText()).isEqualTo("volume");
                return mount.get("Name").asText();
            }
        }
        throw new AssertionError("no volume at /data: " + container.get("Mounts"));
    }
}
