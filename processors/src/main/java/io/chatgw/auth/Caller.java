package io.chatgw.auth;

import java.util.Set;

/**
 * The authenticated user behind a request: who they are, their org and roles. Routing inputs are not part of it
 * (they come from {@link io.chatgw.routing.RoutePolicies}).
 */
public record Caller(String userId, String orgId, Set<String> roles) {

    /** A platform admin: every admin endpoint, every org (docs/operations.md "Admin roles"). */
    public static final String PLATFORM_ADMIN = "admin";
    /** An org admin: the admin endpoints of its own org ({@link #orgId}) only. */
    public static final String ORG_ADMIN = "org_admin";

    /** A platform admin or an org admin. */
    public boolean isAdmin() {
        return isPlatformAdmin() || roles.contains(ORG_ADMIN);
    }

    public boolean isPlatformAdmin() {
        return roles.contains(PLATFORM_ADMIN);
    }
}
