package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway that cannot start exits with a non-zero code, so its supervisor sees it and restarts it, instead of
 * staying up without serving: the embedded PostgreSQL and Kafka it started first (profile dev) are stopped too.
 */
class GatewayStartFailureIT {

    @Test
    void aGatewayWhoseRoutesCannotStartExitsWithCodeOneAfterStoppingItsEmbeddedInfrastructure(@TempDir Path dir)
            throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                - route:
                    id: broken-on-purpose
                    from:
                      uri: "timer:broken-on-purpose?period=60000"
                      steps:
                        - bean: { ref: noSuchBean, method: run }
                """);
        try (GatewayProcess gateway = GatewayProcess.launch(Map.of(
                "camel.main.routes-include-pattern", "file:routes/*.yaml,file:" + broken))) {
            Set<ProcessHandle> children = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (gateway.isAlive() && System.nanoTime() < deadline) {
                children.addAll(gateway.descendants()); // the embedded PostgreSQL's processes, once it runs
                Thread.sleep(100);
            }
            assertThat(gateway.exitWithin(10)).isEqualTo(1);
            assertThat(children).as("the embedded PostgreSQL ran as its child").isNotEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(children).as("none of its processes is left").noneMatch(ProcessHandle::isAlive));
            assertThat(gateway.logText()).contains("Application run failed", "No bean could be found in the registry for: noSuchBean")
                    .doesNotContain("Started GatewayApplication");
        }
    }
}
