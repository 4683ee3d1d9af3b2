package io.chatgw.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.DockerEngine;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** README command 1's launcher choice (gateway.plane.launcher=auto), against the real engine and without one. */
class ChooseDevLauncherTest {

    private static StandardEnvironment resolved(Map<String, Object> settings) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("Config resource 'test'", settings));
        new ChooseDevLauncher(new DeferredLogs()).postProcessEnvironment(env, null);
        return env;
    }

    @Test
    void withNoEngineAnsweringAutoMeansTheLocalLauncher() {
        StandardEnvironment env = resolved(Map.of("gateway.plane.launcher", "auto",
                "gateway.plane.docker.host", "/nonexistent/docker.sock"));
        assertThat(env.getProperty("gateway.plane.launcher")).isEqualTo("local");
    }

    @Test
    void withAnEngineAnsweringAutoMeansTheDockerLauncherWithTheLocalImageSettings() throws Exception {
        DockerEngine.requireReachable();
        StandardEnvironment env = resolved(Map.of("gateway.plane.launcher", "auto"));
        assertThat(env.getProperty("gateway.plane.launcher")).isEqualTo("docker");
        assertThat(env.getProperty("gateway.plane.docker.image")).isEqualTo("chatgw/execution-plane:local");
        assertThat(env.getProperty("gateway.plane.docker.command[0]")).endsWith("/bin/java");
    }

    @Test
    void aConfigurationNamingALauncherIsNeverChanged() {
        for (String named : new String[] {"docker", "local", "none"}) {
            assertThat(resolved(Map.of("gateway.plane.launcher", named, "gateway.plane.docker.host", "/nonexistent"))
                    .getProperty("gateway.plane.launcher")).isEqualTo(named);
        }
    }
}
