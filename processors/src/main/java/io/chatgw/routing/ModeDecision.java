package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;

/**
 * The path chosen for one request and why: the rule that won ({@code org_override}, {@code user_mode},
 * {@code agent_default}, {@code global_policy}, {@code global_default}, {@code auto_fallback}, ...), and when
 * the runtime monitor moved the request, which automatic fallback did ({@code null} otherwise).
 */
public record ModeDecision(ExecutionMode mode, String reason, AutoFallbackState.AutoFallback autoFallback) {

    public ModeDecision(ExecutionMode mode, String reason) {
        this(mode, reason, null);
    }

    /** This decision moved to {@code fallback.to()} because the runtime monitor tripped for its path. */
    public static ModeDecision autoFallback(AutoFallbackState.AutoFallback fallback) {
        return new ModeDecision(fallback.to(), "auto_fallback", fallback);
    }
}
