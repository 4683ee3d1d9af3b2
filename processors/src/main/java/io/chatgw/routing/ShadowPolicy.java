package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;

/**
 * A shadow setting of one scope ({@code global}, {@code org} or {@code agent}): the percentage of requests sampled
 * (0-100) and the path their shadow runs on (empty only when the percentage is 0). docs/shadow.md.
 */
public record ShadowPolicy(String scope, int percent, Optional<ExecutionMode> target) {

    public ShadowPolicy {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("a shadow percentage is 0-100, got " + percent);
        }
        if (percent > 0 && target.isEmpty()) {
            throw new IllegalArgumentException("a shadow percentage above 0 needs a target path");
        }
    }

    /** A row's shadow setting, or empty when it sets none ({@code shadow_percent} NULL). */
    static Optional<ShadowPolicy> of(String scope, Integer percent, String target) {
        return percent == null ? Optional.empty()
                : Optional.of(new ShadowPolicy(scope, percent, ExecutionMode.parse(target)));
    }
}
