package io.chatgw.shadow;

import io.chatgw.core.ExecutionMode;
import io.chatgw.routing.ShadowPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Whether a request is sampled for a shadow, and which kind: a pure function of its request id, so a replayed
 * request id is sampled (or not) the same way. A request is sampled when {@code murmur3("shadow:<request id>")} mod
 * 10,000 is below the percentage x 100; a sample is a {@code noise} one (the primary path again) when
 * {@code murmur3("noise:<request id>")} mod 10,000 is below the noise share x 10,000, or when the target is the
 * primary path itself; otherwise it runs on the policy's target.
 */
public final class ShadowSampling {

    private ShadowSampling() {
    }

    public static Optional<ShadowPlan> sample(UUID requestId, ExecutionMode primary, Optional<ShadowPolicy> policy,
                                              double noiseShare) {
        if (policy.isEmpty() || policy.get().percent() == 0) {
            return Optional.empty();
        }
        ShadowPolicy p = policy.get();
        if (bucket("shadow:", requestId) >= p.percent() * 100) {
            return Optional.empty();
        }
        ExecutionMode target = p.target().orElseThrow();
        boolean noise = target == primary || bucket("noise:", requestId) < Math.round(noiseShare * 10_000);
        return Optional.of(ShadowPlan.of(noise ? ShadowPlan.NOISE : ShadowPlan.SHADOW, primary,
                noise ? primary : target, p.scope(), requestId));
    }

    /** 0-9999. */
    static int bucket(String prefix, UUID requestId) {
        byte[] key = (prefix + requestId).getBytes(StandardCharsets.UTF_8);
        return Integer.remainderUnsigned(MurmurHash3.hash32x86(key), 10_000);
    }
}
