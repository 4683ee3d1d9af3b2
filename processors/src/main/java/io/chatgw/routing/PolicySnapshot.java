package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every routing input that is not per user, as of one policy version: the global policy (mode and canary
 * percentage), each org's override, allowlist membership and canary percentage, the agents' defaults, the
 * shadow settings (global, per org, per agent: {@link ShadowPolicy}) and the rollbacks in force. Immutable; {@link RoutePolicies} swaps in a new one when the version moves.
 */
public record PolicySnapshot(long version,
                             Optional<ExecutionMode> globalMode,
                             int globalCanaryPercent,
                             Map<String, OrgPolicy> orgs,
                             Map<String, ExecutionMode> agentDefaults,
                             Optional<Rollback> globalRollback,
                             Map<String, Rollback> orgRollbacks,
                             Optional<ShadowPolicy> globalShadow,
                             Map<String, ShadowPolicy> agentShadows) {

    public static final OrgPolicy NO_ORG_POLICY = new OrgPolicy(Optional.empty(), false, OptionalInt.empty(),
            Optional.empty());

    public OrgPolicy org(String orgId) {
        return orgs.getOrDefault(orgId, NO_ORG_POLICY);
    }

    /** The rollback that covers {@code orgId}: the global one first, else the org's own. */
    public Optional<Rollback> rollbackFor(String orgId) {
        return globalRollback.or(() -> Optional.ofNullable(orgRollbacks.get(orgId)));
    }

    /** The org's own canary percentage if it has one, else the global one. */
    public int canaryPercentFor(String orgId) {
        return org(orgId).canaryPercent().orElse(globalCanaryPercent);
    }

    /**
     * The shadow setting that applies to a request of {@code orgId} in a session with {@code agentId} (or null): the
     * agent's own if it has one, else the org's, else the global one; empty if none is set anywhere.
     */
    public Optional<ShadowPolicy> shadowFor(String orgId, String agentId) {
        ShadowPolicy agent = agentId == null ? null : agentShadows.get(agentId);
        if (agent != null) {
            return Optional.of(agent);
        }
        return org(orgId).shadow().or(() -> globalShadow);
    }

    /** An org's routing inputs: mode override, allowlisted for the {@code new} canary, own canary percentage and shadow. */
    public record OrgPolicy(Optional<ExecutionMode> override, boolean newAllowed, OptionalInt canaryPercent,
                            Optional<ShadowPolicy> shadow) {
    }

    /** An emergency rollback in force ({@code scope} global or org). */
    public record Rollback(String scope, String orgId, String startedBy, Instant startedAt, String reason) {
    }
}
