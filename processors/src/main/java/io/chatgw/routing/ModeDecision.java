package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;

/** The path chosen for one request and why: {@code org_override}, {@code user_mode}, {@code agent_default},
 *  {@code global_policy} or {@code global_default}. */
public record ModeDecision(ExecutionMode mode, String reason) {
}
