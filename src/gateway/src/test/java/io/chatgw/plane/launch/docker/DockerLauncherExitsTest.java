package io.chatgw.plane.launch.docker;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.launch.LaunchedPlanes;
import io.chatgw.plane.launch.PlaneInstances;
import io.chatgw.plane.socket.VmTokens;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The docker launcher's exits (the engine's routes and the rows are mocks): a container that dies before its start call
 * returns, so before the launcher knows its id (a plane crashing at start), is still its user's crash; an exit of a
 * container the gateway stops is none.
 */
class DockerLauncherExitsTest {

    private final LaunchedPlanes launched = mock(LaunchedPlanes.class);
    private final ProducerTemplate routes = mock(ProducerTemplate.class);
    private final AtomicReference<DockerLauncher> launcher = new AtomicReference<>();

    private DockerLauncher launcher() {
        Map<String, String> settings = Map.of("gateway.plane.port", "8081", "gateway.plane.docker.deployment", "d1");
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        PlaneProperties config = binder.bind("gateway.plane", PlaneProperties.class).get();
        DockerLauncherProperties docker = binder.bind("gateway.plane.docker", DockerLauncherProperties.class).get();
        VmTokens tokens = mock(VmTokens.class);
        when(tokens.issue(anyString(), anyString(), anyString())).thenReturn("token");
        DockerLauncher d = new DockerLauncher(docker, config, tokens, mock(PlaneInstances.class), launched, routes,
                "ws://127.0.0.1:8081/ws/vm", "http://127.0.0.1:9");
        launcher.set(d);
        return d;
    }

    @Test
    void aContainerThatDiesBeforeItsStartCallReturnsIsItsUsersCrash() {
        DockerLauncher docker = launcher();
        when(routes.requestBody(eq("direct:plane-container-start"), any(), eq(String.class))).thenAnswer(call -> {
            launcher.get().exited("c-1", 2, "exited"); // the engine's die event, handled before the start returns
            return "c-1";
        });

        docker.start("u-1", "org-1");

        verify(launched).exited(eq("u-1"), eq(VmTokens.vmIdOf("u-1")), eq("exited"), contains("exited with code 2"));
        verify(routes).sendBodyAndHeader(eq("direct:plane-container-remove"), eq("c-1"), eq("CamelDockerTimeout"), any());
    }

    @Test
    void aContainerThatDiesAfterItsStartIsItsUsersCrashOnceAndOneTheGatewayStopsIsNone() {
        DockerLauncher docker = launcher();
        when(routes.requestBody(eq("direct:plane-container-start"), any(), eq(String.class))).thenReturn("c-1", "c-2");

        docker.start("u-1", "org-1");
        docker.exited("c-1", 137, "killed");
        docker.exited("c-1", 137, "inspect"); // the safety net's report of the same exit
        verify(launched).exited(eq("u-1"), any(), eq("killed"), contains("exited with code 137"));

        docker.start("u-2", "org-1");
        docker.stop("u-2", VmTokens.vmIdOf("u-2"), "idle for 10 s");
        docker.exited("c-2", 0, "exited");
        verify(launched, never()).exited(eq("u-2"), any(), any(), any());
        verify(launched, never()).exited(eq("u-1"), any(), eq("inspect"), any());
    }
}
