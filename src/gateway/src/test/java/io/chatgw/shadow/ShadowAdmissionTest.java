package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.Turn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Admission's places: taken at most max-concurrent at once, each given back exactly once, all of them at a route stop;
 * and what a place does to its shadow turn: stops it at a route stop (even one before the turn opened) and at the
 * shadow's own deadline from its opening, never after the place was given back.
 */
class ShadowAdmissionTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ShadowAdmission admission = new ShadowAdmission(properties(0.75), new ShadowSkips(null),
            new ShadowMeters(meters), () -> this.cpuLoad);
    private double cpuLoad = -1;
    private final ShadowPlan plan = ShadowPlan.of(ShadowPlan.SHADOW, ExecutionMode.DIRECT_LLM, ExecutionMode.LEGACY,
            "org", UUID.randomUUID());

    /** max-concurrent 2, the other bounds their defaults or wide. */
    private static ShadowProperties properties(double maxCpuLoad) {
        return new ShadowProperties(true, 0, 1, 1, 2, Duration.ofSeconds(120), Duration.ofMinutes(10), 600, 500_000, 0.8,
                200, 4000, Duration.ofSeconds(10), 1, maxCpuLoad, Duration.ofSeconds(1));
    }

    private double skipped(String reason) {
        return meters.get("gateway.shadow.skipped").tag("reason", reason).counter().count();
    }

    @Test
    void aPlaceGivenBackTwiceIsFreedOnce() {
        ShadowSlot first = admission.admit(plan, "o");
        ShadowSlot second = admission.admit(plan, "o");
        assertThat(admission.admit(plan, "o")).as("max-concurrent 2").isNull();
        assertThat(skipped(ShadowAdmission.CONCURRENCY)).isEqualTo(1);

        admission.release(first);
        admission.release(first);
        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.admit(plan, "o")).isNotNull();
        assertThat(admission.admit(plan, "o")).as("the double release freed one place only").isNull();
        admission.release(second);
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void aRouteStopGivesBackEveryPlaceAndSkipsSamplesUntilTheRouteRunsAgain() {
        ShadowSlot running = admission.admit(plan, "o");
        admission.refused(admission.admit(plan, "o"), plan, "o");
        assertThat(skipped(ShadowAdmission.POOL_FULL)).isEqualTo(1);
        assertThat(admission.inFlight()).isEqualTo(1);

        admission.routeStopped();
        assertThat(admission.inFlight()).isZero();
        assertThat(running.released()).isTrue();
        assertThat(admission.admit(plan, "o")).isNull();
        assertThat(skipped(ShadowAdmission.ROUTE_STOPPED)).isEqualTo(1);
        admission.release(running); // the given-up shadow still reached its end
        assertThat(admission.inFlight()).isZero();

        admission.routeStarted();
        assertThat(admission.admit(plan, "o")).isNotNull();
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void aRouteStopBetweenAdmissionAndTheTurnsOpeningStopsTheShadowAsItOpens() {
        ShadowSlot slot = admission.admit(plan, "o");
        admission.routeStopped(); // the shadow is still queued for the pool: no turn to cancel yet
        assertThat(admission.inFlight()).isZero();
        Turn shadow = mock(Turn.class);
        slot.opened(shadow, Duration.ofSeconds(120));
        verify(shadow).stop(argThat(why -> why.code().equals(ShadowAdmission.STOPPED_CODE)));
    }

    @Test
    void aRouteStopAfterTheOpeningStopsTheShadowTurn() {
        ShadowSlot slot = admission.admit(plan, "o");
        Turn shadow = mock(Turn.class);
        slot.opened(shadow, Duration.ofSeconds(120));
        verify(shadow, never()).stop(any());
        admission.routeStopped();
        verify(shadow).stop(argThat(why -> why.code().equals(ShadowAdmission.STOPPED_CODE)));
    }

    @Test
    void theShadowsOwnTimeoutRunsFromItsOpeningWhetherOrNotAnEventCame() {
        ShadowSlot slot = admission.admit(plan, "o");
        Turn shadow = mock(Turn.class);
        slot.opened(shadow, Duration.ofMillis(300)); // no run started, no first event: the deadline runs all the same
        verify(shadow, timeout(5000)).stop(argThat((GatewayException why) -> why.code().equals(ShadowSlot.TIMEOUT)
                && why.status() == 504));
    }

    @Test
    void aShadowWhosePlaceWasGivenBackIsNotStoppedByItsDeadline() {
        ShadowSlot slot = admission.admit(plan, "o");
        Turn shadow = mock(Turn.class);
        slot.opened(shadow, Duration.ofMillis(300));
        admission.release(slot); // it ended and was compared
        verify(shadow, after(1000).never()).stop(any());
    }

    @Test
    void aSampleDrawnWhileTheMachinesCpuIsAboveMaxCpuLoadIsSkippedAsCpuBusyAndTakesNoPlace() {
        cpuLoad = 0.9;
        assertThat(admission.admit(plan, "o")).isNull();
        assertThat(skipped(ShadowAdmission.CPU_BUSY)).isEqualTo(1);
        assertThat(admission.inFlight()).isZero();

        cpuLoad = 0.75; // at the bound: room
        assertThat(admission.admit(plan, "o")).isNotNull();
        cpuLoad = -1; // no sample yet, or a JVM that cannot tell: not busy
        assertThat(admission.admit(plan, "o")).isNotNull();
        assertThat(skipped(ShadowAdmission.CPU_BUSY)).isEqualTo(1);
    }

    @Test
    void maxCpuLoadOneNeverSkipsForCpu() {
        ShadowAdmission never = new ShadowAdmission(properties(1.0), new ShadowSkips(null), new ShadowMeters(meters),
                () -> 1.0);
        assertThat(never.admit(plan, "o")).isNotNull();
    }

    @Test
    void theMachinesCpuLoadIsUnknownUntilSampledThenAShareOfTheWholeMachine() throws Exception {
        MachineCpuLoad load = new MachineCpuLoad();
        assertThat(load.getAsDouble()).isNegative();
        load.sample();
        long until = System.nanoTime() + 300_000_000L;
        long spin = 0;
        while (System.nanoTime() < until) {
            spin++; // busy, so the interval has load to see
        }
        load.sample();
        assertThat(spin).isPositive();
        assertThat(load.getAsDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
    }
}
