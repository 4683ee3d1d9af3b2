package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;

/**
 * The routing rule, written once (docs/operations.md "Precedence"):
 * rollback &gt; auto-fallback &gt; (a model alias's path) &gt; org override &gt; user mode &gt; agent default &gt; canary &gt; global policy &gt;
 * configured default. The canary applies only to users with no explicit mode, in orgs allowlisted for {@code new}.
 * The automatic fallback applies to the path the rules below it chose; a rollback beats it.
 */
public final class ModeResolution {

    /** What a rollback sends every decision in its scope to. */
    public static final ExecutionMode ROLLBACK_MODE = ExecutionMode.LEGACY;
    /** What the canary sends the users in its percentage to. */
    public static final ExecutionMode CANARY_MODE = ExecutionMode.NEW;

    private ModeResolution() {
    }

    public static ModeDecision resolve(PolicyInputs in, AutoFallbackState autoFallback) {
        return resolve(in, autoFallback, null);
    }

    /**
     * As above, for a request that asks for a path ({@code requested}: an OpenAI model alias's; null if none): it
     * takes the place of rules 3-8 (reason {@code model_alias}); a rollback and the automatic fallback still win.
     */
    public static ModeDecision resolve(PolicyInputs in, AutoFallbackState autoFallback, ExecutionMode requested) {
        if (in.rollback().isPresent()) {
            return new ModeDecision(ROLLBACK_MODE, "rollback");
        }
        ModeDecision chosen = requested != null ? new ModeDecision(requested, "model_alias") : configured(in);
        return autoFallback.activeFor(in.orgId(), chosen.mode())
                .map(ModeDecision::autoFallback)
                .orElse(chosen);
    }

    /** The rules ops and owners set, without the rollback and the automatic fallback on top. */
    static ModeDecision configured(PolicyInputs in) {
        if (in.orgOverride().isPresent()) {
            return new ModeDecision(in.orgOverride().get(), "org_override");
        }
        if (in.userMode().isPresent()) {
            return new ModeDecision(in.userMode().get(), "user_mode");
        }
        if (in.agentDefault().isPresent()) {
            return new ModeDecision(in.agentDefault().get(), "agent_default");
        }
        if (in.orgAllowlisted() && in.canaryPercent() > 0 && in.canaryBucket().getAsInt() < in.canaryPercent()) {
            return new ModeDecision(CANARY_MODE, "canary");
        }
        if (in.globalPolicy().isPresent()) {
            return new ModeDecision(in.globalPolicy().get(), "global_policy");
        }
        return new ModeDecision(in.configuredDefault(), "global_default");
    }
}
