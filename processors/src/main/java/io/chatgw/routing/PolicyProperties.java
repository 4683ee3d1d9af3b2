package io.chatgw.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The routing policy cache and the canary ({@code gateway.policy.*}); docs/configuration.md, docs/operations.md. */
@ConfigurationProperties("gateway.policy")
public record PolicyProperties(
        /** How often an instance compares its policy version with the database's (the safety net under NOTIFY). */
        @DefaultValue("5s") Duration pollInterval,
        /** Wait before the change listener reconnects after losing its database connection. */
        @DefaultValue("2s") Duration reconnectDelay,
        /** Users whose mode is cached per policy version; the cache starts over beyond this many. */
        @DefaultValue("100000") int userCacheSize,
        /** The rollout the {@code new} canary buckets under: murmur3("<rollout-key>:<user id>") mod 100. */
        @DefaultValue("new-runtime") String rolloutKey) {

    public PolicyProperties {
        if (!rolloutKey.matches("^[A-Za-z0-9._:-]{1,64}$")) {
            throw new IllegalArgumentException("gateway.policy.rollout-key must match [A-Za-z0-9._:-]{1,64}");
        }
        if (userCacheSize < 1) {
            throw new IllegalArgumentException("gateway.policy.user-cache-size must be at least 1");
        }
    }
}
