package io.chatgw.auth;

import java.util.Set;

/**
 * The authenticated user behind a request: who they are, their org and roles. Routing inputs are not part of it
 * (they come from {@link io.chatgw.routing.RoutePolicies}).
 */
public record Caller(String userId, String orgId, Set<String> roles) {

    public boolean isAdmin() {
        return roles.contains("admin");
    }
}
