package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.ExecutionMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Admission's places: taken at most max-concurrent at once, each given back exactly once, all of them at a route stop. */
class ShadowAdmissionTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ShadowAdmission admission = new ShadowAdmission(new ShadowProperties(true, 0, 1, 1, 2,
            Duration.ofSeconds(120), Duration.ofMinutes(10), 600, 500_000, 0.8, 200, 4000, Duration.ofSeconds(10)),
            new ShadowSkips(null), new ShadowMeters(meters));
    private final ShadowPlan plan = ShadowPlan.of(ShadowPlan.SHADOW, ExecutionMode.DIRECT_LLM, ExecutionMode.LEGACY,
            "org", UUID.randomUUID());

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
}
