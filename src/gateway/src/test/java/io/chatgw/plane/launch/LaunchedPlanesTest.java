package io.chatgw.plane.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The start deadline and the crash record, whatever the launcher (the launcher and the rows are mocks). */
class LaunchedPlanesTest {

    private final PlaneRegistry registry = mock(PlaneRegistry.class);
    private final PlaneInstances instances = mock(PlaneInstances.class);
    private final PlaneLauncher launcher = mock(PlaneLauncher.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicReference<Consumer<PlaneLink>> greeted = new AtomicReference<>();

    @SuppressWarnings("unchecked")
    private LaunchedPlanes launched(String startTimeout) {
        return launched(startTimeout, "1m");
    }

    @SuppressWarnings("unchecked")
    private LaunchedPlanes launched(String startTimeout, String crashLoopBackoff) {
        org.mockito.Mockito.doAnswer(call -> {
            greeted.set(call.getArgument(0));
            return null;
        }).when(registry).whenGreeted(any(Consumer.class));
        PlaneProperties config = new Binder(new MapConfigurationPropertySource(Map.of("gateway.plane.port", "8081",
                "gateway.plane.start-timeout", startTimeout, "gateway.plane.crash-loop-crashes", "3",
                "gateway.plane.crash-loop-backoff", crashLoopBackoff))).bind("gateway.plane", PlaneProperties.class).get();
        LaunchedPlanes launched = new LaunchedPlanes(registry, instances, config, meters);
        launched.stoppedBy(launcher);
        return launched;
    }

    @Test
    void aPlaneWithNoHelloByTheStartTimeoutIsStoppedAndItsRowTerminatedWithTheReason() {
        LaunchedPlanes launched = launched("300ms");
        launched.started("u-1", "vm-u-1");

        verify(launcher, timeout(2_000)).stop(eq("u-1"), eq("vm-u-1"), contains("no hello within"));
        verify(instances, timeout(2_000)).terminated(eq("vm-u-1"), contains("no hello within"));
        assertThat(meters.get("gateway.plane.starts").tag("outcome", "timeout").counter().count()).isEqualTo(1);
    }

    @Test
    void aPlaneThatSaysHelloInTimeIsKeptAndItsStartLatencyRecorded() {
        LaunchedPlanes launched = launched("300ms");
        launched.started("u-1", "vm-u-1");
        PlaneLink link = mock(PlaneLink.class);
        when(link.userId()).thenReturn("u-1");
        when(link.vmId()).thenReturn("vm-u-1");
        greeted.get().accept(link);

        verify(launcher, after(800).never()).stop(any(), any(), any());
        assertThat(meters.get("gateway.plane.start.latency").timer().count()).isEqualTo(1);
        assertThat(meters.get("gateway.plane.starts").tag("outcome", "hello").counter().count()).isEqualTo(1);
    }

    @Test
    void anUnaskedExitIsRecordedByCauseAndTheConnectedPlaneDeclaredDead() {
        LaunchedPlanes launched = launched("30s");
        PlaneLink link = mock(PlaneLink.class);
        when(registry.linkOfVm("vm-u-1")).thenReturn(link);

        launched.exited("u-1", "vm-u-1", "oom", "container abc exited with code 137");
        launched.exited("u-2", "vm-u-2", "made-up", "a cause nobody listed");

        verify(instances).terminated(eq("vm-u-1"), contains("crashed (oom)"));
        verify(registry).declareDead(eq(link), contains("exited with code 137"));
        assertThat(meters.get("gateway.plane.crashes").tag("cause", "oom").counter().count()).isEqualTo(1);
        assertThat(meters.get("gateway.plane.crashes").tag("cause", "exited").counter().count())
                .as("an unknown cause is counted as exited, never as a new tag value").isEqualTo(1);
        verify(launcher, never()).stop(any(), any(), any());
    }

    @Test
    void aPlaneThatCrashesThreeTimesIsNotStartedAgainUntilTheBackoffIsOver() throws Exception {
        LaunchedPlanes launched = launched("30s", "700ms");
        launched.exited("u-1", "vm-u-1", "exited", "status 1");
        launched.exited("u-1", "vm-u-1", "exited", "status 1");
        assertThat(launched.refusal("u-1")).as("two crashes").isNull();

        launched.exited("u-1", "vm-u-1", "exited", "status 1");
        assertThat(launched.refusal("u-1")).contains("crashed 3 times").contains("next try");
        assertThat(launched.refusal("u-2")).as("another user").isNull();

        Thread.sleep(900);
        assertThat(launched.refusal("u-1")).as("after the backoff the next message tries again").isNull();
        launched.exited("u-1", "vm-u-1", "exited", "status 1");
        assertThat(launched.refusal("u-1")).as("a crash after the backoff starts counting anew").isNull();
    }

    @Test
    void aPlaneThatCrashesBeforeItsHelloFailsTheTurnsWaitingForItAtOnceSayingWhyAndCountsForTheCrashLoop() {
        LaunchedPlanes launched = launched("30s");
        launched.started("u-1", "vm-u-1"); // no link: it never dialled in

        launched.exited("u-1", "vm-u-1", "exited", "container abc exited with code 2");
        verify(registry).noPlaneComing(eq("u-1"), contains("exited before its hello: container abc exited with code 2"));
        launched.exited("u-1", "vm-u-1", "exited", "container abd exited with code 2");
        launched.exited("u-1", "vm-u-1", "exited", "container abe exited with code 2");

        verify(registry).noPlaneComing(eq("u-1"), contains("crashed 3 times"));
        verify(launcher, never()).start(any(), any());
        assertThat(launched.refusal("u-1")).contains("crashed 3 times");
    }
}
