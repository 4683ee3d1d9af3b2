package io.chatgw.shadow;

import io.chatgw.core.ExecutionMode;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A sampled request's shadow: its kind ({@code shadow}: another path; {@code noise}: the primary path a second time,
 * for the noise floor), the two paths, the policy scope that sampled it, and the shadow's own request and session ids
 * (derived from the primary's request id, so a replayed request id gives the same ones).
 */
public record ShadowPlan(String kind, ExecutionMode primary, ExecutionMode target, String scope,
                         UUID primaryRequestId, UUID requestId, UUID sessionId) {

    public static final String SHADOW = "shadow";
    public static final String NOISE = "noise";

    static ShadowPlan of(String kind, ExecutionMode primary, ExecutionMode target, String scope, UUID primaryRequestId) {
        return new ShadowPlan(kind, primary, target, scope, primaryRequestId,
                derived("shadow-request:" + primaryRequestId), derived("shadow-session:" + primaryRequestId));
    }

    public boolean isNoise() {
        return NOISE.equals(kind);
    }

    private static UUID derived(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
