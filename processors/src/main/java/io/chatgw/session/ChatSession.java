package io.chatgw.session;

import java.util.UUID;

/** A conversation owned by one user (its agent, if any, is a routing input read by RoutePolicies). */
public record ChatSession(UUID id, String userId, String orgId, String agentId) {
}
