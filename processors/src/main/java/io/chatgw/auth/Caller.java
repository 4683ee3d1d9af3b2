package io.chatgw.auth;

import io.chatgw.core.ExecutionMode;
import java.util.Optional;
import java.util.Set;

/**
 * The authenticated user behind a request, with the routing flags the database holds for them
 * (read fresh on every request so ops' flips apply at once).
 */
public record Caller(String userId, String orgId, Set<String> roles,
                     Optional<ExecutionMode> orgOverride, Optional<ExecutionMode> userMode) {

    public boolean isAdmin() {
        return roles.contains("admin");
    }
}
