package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.ExecutionMode;
import io.chatgw.routing.PolicySnapshot;
import io.chatgw.routing.ShadowPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which requests are shadow samples, of which kind, and which scope's setting applies. */
class ShadowSamplingTest {

    private static Optional<ShadowPolicy> policy(int percent, ExecutionMode target) {
        return Optional.of(new ShadowPolicy("org", percent, Optional.of(target)));
    }

    private static UUID id(int i) {
        return UUID.nameUUIDFromBytes(("request-" + i).getBytes());
    }

    @Test
    void theSameRequestIdIsAlwaysSampledTheSameWay() {
        for (int i = 0; i < 500; i++) {
            Optional<ShadowPlan> first = ShadowSampling.sample(id(i), ExecutionMode.LEGACY, policy(30, ExecutionMode.NEW), 0.2);
            Optional<ShadowPlan> again = ShadowSampling.sample(id(i), ExecutionMode.LEGACY, policy(30, ExecutionMode.NEW), 0.2);
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void aPercentageSamplesThatShareOfRequestsWithinOnePointOverTenThousandIds() {
        long sampled = IntStream.range(0, 10_000)
                .filter(i -> ShadowSampling.sample(id(i), ExecutionMode.LEGACY, policy(25, ExecutionMode.NEW), 0).isPresent())
                .count();
        assertThat(sampled).isBetween(2_400L, 2_600L);
    }

    @Test
    void zeroPercentOrNoSettingSamplesNothingAndAHundredSamplesEverything() {
        assertThat(IntStream.range(0, 1000).filter(i -> ShadowSampling.sample(id(i), ExecutionMode.LEGACY,
                policy(0, ExecutionMode.NEW), 0.5).isPresent()).count()).isZero();
        assertThat(ShadowSampling.sample(id(1), ExecutionMode.LEGACY, Optional.empty(), 0.5)).isEmpty();
        assertThat(IntStream.range(0, 1000).filter(i -> ShadowSampling.sample(id(i), ExecutionMode.LEGACY,
                policy(100, ExecutionMode.NEW), 0).isPresent()).count()).isEqualTo(1000);
    }

    @Test
    void theNoiseShareOfSamplesRunsThePrimaryPathAgain() {
        long noise = IntStream.range(0, 10_000).mapToObj(i -> ShadowSampling.sample(id(i), ExecutionMode.LEGACY,
                        policy(100, ExecutionMode.NEW), 0.1).orElseThrow())
                .filter(p -> p.isNoise() && p.target() == ExecutionMode.LEGACY).count();
        assertThat(noise).isBetween(900L, 1_100L);
        ShadowPlan other = IntStream.range(0, 100).mapToObj(i -> ShadowSampling.sample(id(i), ExecutionMode.LEGACY,
                policy(100, ExecutionMode.NEW), 0.1).orElseThrow()).filter(p -> !p.isNoise()).findFirst().orElseThrow();
        assertThat(other.target()).isEqualTo(ExecutionMode.NEW);
        assertThat(other.kind()).isEqualTo(ShadowPlan.SHADOW);
    }

    @Test
    void aTargetThatIsThePrimaryPathMakesEverySampleANoiseSample() {
        ShadowPlan plan = ShadowSampling.sample(id(7), ExecutionMode.DIRECT_LLM, policy(100, ExecutionMode.DIRECT_LLM), 0)
                .orElseThrow();
        assertThat(plan.isNoise()).isTrue();
        assertThat(plan.target()).isEqualTo(ExecutionMode.DIRECT_LLM);
    }

    @Test
    void theShadowsOwnRequestAndSessionIdsFollowFromThePrimaryRequestIdAndDifferFromIt() {
        ShadowPlan a = ShadowSampling.sample(id(3), ExecutionMode.LEGACY, policy(100, ExecutionMode.NEW), 0).orElseThrow();
        ShadowPlan b = ShadowSampling.sample(id(3), ExecutionMode.LEGACY, policy(100, ExecutionMode.NEW), 0).orElseThrow();
        assertThat(a.requestId()).isEqualTo(b.requestId()).isNotEqualTo(id(3));
        assertThat(a.sessionId()).isEqualTo(b.sessionId()).isNotEqualTo(a.requestId());
        assertThat(a.primaryRequestId()).isEqualTo(id(3));
    }

    @Test
    void anAgentsSettingBeatsTheOrgsWhichBeatsTheGlobalOne() {
        ShadowPolicy global = new ShadowPolicy("global", 5, Optional.of(ExecutionMode.NEW));
        ShadowPolicy org = new ShadowPolicy("org", 50, Optional.of(ExecutionMode.DIRECT_LLM));
        ShadowPolicy agent = new ShadowPolicy("agent", 0, Optional.empty());
        PolicySnapshot snapshot = new PolicySnapshot(1, Optional.empty(), 0,
                Map.of("org-a", new PolicySnapshot.OrgPolicy(Optional.empty(), false, OptionalInt.empty(), Optional.of(org))),
                Map.of(), Optional.empty(), Map.of(), Optional.of(global), Map.of("agent-quiet", agent));

        assertThat(snapshot.shadowFor("org-a", "agent-quiet")).contains(agent);
        assertThat(snapshot.shadowFor("org-a", "agent-other")).contains(org);
        assertThat(snapshot.shadowFor("org-a", null)).contains(org);
        assertThat(snapshot.shadowFor("org-b", null)).contains(global);
    }
}
