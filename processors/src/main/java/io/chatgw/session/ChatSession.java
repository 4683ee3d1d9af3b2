package io.chatgw.session;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;
import java.util.UUID;

/** A conversation owned by one user, with the routing inputs that hang off it. */
public record ChatSession(UUID id, String userId, String orgId, String agentId,
                          Optional<ExecutionMode> agentDefault, Optional<ExecutionMode> globalPolicy) {
}
