package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;

/**
 * The routing rule, written once (docs/operations.md "Precedence"):
 * rollback &gt; auto-fallback &gt; org override &gt; user mode &gt; agent default &gt; canary &gt; global policy &gt;
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
        if (in.rollback().isPresent()) {
            return new ModeDecision(ROLLBACK_MODE, "rollback");
        }
        ModeDecision chosen = configured(in);
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
