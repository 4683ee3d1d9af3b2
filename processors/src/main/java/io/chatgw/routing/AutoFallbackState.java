package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;

/**
 * What the router asks the runtime monitor (docs/resilience.md) before it sends a request down a path: is this
 * org's traffic on that path being sent elsewhere automatically? Answered from memory, never blocking.
 */
@FunctionalInterface
public interface AutoFallbackState {

    /** The automatic fallback in force for {@code orgId}'s traffic on {@code path} (an org trip or a global one). */
    Optional<AutoFallback> activeFor(String orgId, ExecutionMode path);

    /**
     * Traffic of {@code from} goes to {@code to} because {@code threshold} ({@code error_rate}, {@code timeout_rate}
     * or {@code latency}) tripped in {@code scope} ({@code global} or {@code org}).
     */
    record AutoFallback(ExecutionMode from, ExecutionMode to, String threshold, String scope) {
    }

    AutoFallbackState NONE = (orgId, path) -> Optional.empty();
}
