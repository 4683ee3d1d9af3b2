package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Every input of one routing decision, as {@link RoutePolicies} read them for one request. The canary bucket is
 * asked for only when the canary rule is reached (it may record the user's first assignment in the ledger).
 */
public record PolicyInputs(String userId,
                           String orgId,
                           String agentId,
                           long policyVersion,
                           Optional<PolicySnapshot.Rollback> rollback,
                           Optional<ExecutionMode> orgOverride,
                           Optional<ExecutionMode> userMode,
                           Optional<ExecutionMode> agentDefault,
                           boolean orgAllowlisted,
                           int canaryPercent,
                           IntSupplier canaryBucket,
                           Optional<ExecutionMode> globalPolicy,
                           ExecutionMode configuredDefault) {
}
