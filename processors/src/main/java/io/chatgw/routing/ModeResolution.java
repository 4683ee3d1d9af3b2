package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;

/**
 * The routing rule, as the migration plan states it: an org override beats the user's own mode, which
 * beats the agent's default, which beats the global setting (an ops-set global route policy if there is
 * one, else the configured default, {@code legacy}).
 */
public final class ModeResolution {

    private ModeResolution() {
    }

    public static ModeDecision resolve(Optional<ExecutionMode> orgOverride,
                                       Optional<ExecutionMode> userMode,
                                       Optional<ExecutionMode> agentDefault,
                                       Optional<ExecutionMode> globalPolicy,
                                       ExecutionMode configuredDefault) {
        if (orgOverride.isPresent()) {
            return new ModeDecision(orgOverride.get(), "org_override");
        }
        if (userMode.isPresent()) {
            return new ModeDecision(userMode.get(), "user_mode");
        }
        if (agentDefault.isPresent()) {
            return new ModeDecision(agentDefault.get(), "agent_default");
        }
        if (globalPolicy.isPresent()) {
            return new ModeDecision(globalPolicy.get(), "global_policy");
        }
        return new ModeDecision(configuredDefault, "global_default");
    }
}
