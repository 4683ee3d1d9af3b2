package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Integration engineers edit routes/*.yaml on a running gateway: a new or changed file is picked up, and a file
 * that does not load leaves the routes that were running in place. Runs on a copy of routes/ in a temp folder.
 */
class RouteReloadIT extends GatewayTestBase {

    private static final Path ROUTES = copyOfRoutes();

    @Autowired
    CamelContext camel;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @DynamicPropertySource
    static void watchTheCopy(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", () -> "file:" + ROUTES + "/*.yaml");
        registry.add("camel.main.routes-reload-enabled", () -> "true");
        registry.add("camel.main.routes-reload-directory", ROUTES::toString);
    }

    @Test
    void aNewRouteFileIsLoadedAndABrokenEditLeavesTheRunningRoutesInPlace() throws Exception {
        Path extra = ROUTES.resolve("extra.yaml");
        Files.writeString(extra, probeRoute("first"));
        await("the new route file loaded").atMost(Duration.ofSeconds(20))
                .until(() -> camel.getRoute("reload-probe") != null);
        assertThat(camel.createProducerTemplate().requestBody("direct:reload-probe", "", String.class)).isEqualTo("first");

        Files.writeString(extra, probeRoute("second"));
        await("the changed route file reloaded").atMost(Duration.ofSeconds(20)).ignoreExceptions() // between versions
                .until(() -> "second".equals(camel.createProducerTemplate().requestBody("direct:reload-probe", "", String.class)));

        Files.writeString(extra, "- route:\n    id: reload-probe\n    from: [this is: not a route\n");
        Thread.sleep(3000); // the watcher's turn to try (and fail) to load it
        assertThat(camel.getRoute("reload-probe")).as("the broken edit left the running route").isNotNull();
        assertThat(camel.createProducerTemplate().requestBody("direct:reload-probe", "", String.class)).isEqualTo("second");

        // ... and says so: health detail (the gateway stays UP) and a metric
        var health = client.send("GET", "/actuator/health", tokenFor("u-ops", "org-ops", "admin"), null, null);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        var reload = JSON.readTree(health.body()).at("/components/routeReload");
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
        assertThat(reload.get("status").asText()).isEqualTo("UP");
        assertThat(reload.at("/details/failures").asInt()).isPositive();
        assertThat(reload.at("/details/last_error").asText()).isNotBlank();
        assertThat(meters.get("gateway.routes.reload.failures").functionCounter().count()).isPositive();

        // the chat flow is untouched
        String token = tokenFor("u-carol", "org-acme");
        List<Event> events = chat(token, newSession(token), "still there?");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    }

    /** A route file with one route, direct:reload-probe, that answers {@code answer}. */
    private static String probeRoute(String answer) {
        return """
                - route:
                    id: reload-probe
                    from:
                      uri: direct:reload-probe
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(answer);
    }

    private static Path copyOfRoutes() {
        try {
            Path dir = Files.createTempDirectory("chatgw-routes-");
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
