package io.chatgw.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.routing.AutoFallbackState;
import io.chatgw.routing.ModeDecision;
import io.chatgw.routing.ModeResolution;
import io.chatgw.routing.PolicyInputs;
import io.chatgw.routing.PolicySnapshot;
import io.chatgw.routing.RoutePolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Read-only views of the routing (routes/admin.yaml): one user's decision explained input by input, and users or
 * orgs listed by effective mode. Decisions are computed by the same function the router uses
 * ({@link ModeResolution}), from the same inputs ({@link RoutePolicies}), without recording canary assignments.
 */
@Component("policyListings")
public class PolicyListings {

    private static final Set<String> LIST_KEYS = Set.of("mode", "org_id", "limit", "cursor");
    /** Rows examined per page at most: a listing by effective mode is a scan, paged so that it stays bounded. */
    private static final int SCAN = 1000;

    private final JdbcTemplate jdbc;
    private final RoutePolicies policies;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public PolicyListings(JdbcTemplate jdbc, RoutePolicies policies, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.jdbc = jdbc;
        this.policies = policies;
        this.json = json;
    }

    /** {@code GET /api/v1/admin/decisions/{userId}[?agent_id=]}: every input and the rule that won. */
    public void explain(Exchange exchange) {
        String user = PolicySettings.pathId(exchange, "userId");
        Optional<String> agent = AdminRequest.query(exchange, json, Set.of("agent_id")).id("agent_id");
        String org = jdbc.queryForList("SELECT org_id FROM users WHERE id = ?", String.class, user).stream()
                .findFirst().orElseThrow(() -> GatewayException.notFound("unknown_user", "user '" + user + "' does not exist"));
        PolicyInputs in = policies.inputs(user, org, agent.orElse(null), false);
        AutoFallbackState fallbacks = policies.autoFallbackState();
        ModeDecision decision = ModeResolution.resolve(in, fallbacks);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("rollback", in.rollback().map(r -> Map.of("scope", r.scope(), "started_by", r.startedBy(),
                "started_at", r.startedAt().toString())).orElse(null));
        inputs.put("auto_fallback", decision.autoFallback() == null ? null : Map.of(
                "from", decision.autoFallback().from().wire(), "to", decision.autoFallback().to().wire(),
                "threshold", decision.autoFallback().threshold(), "scope", decision.autoFallback().scope()));
        inputs.put("org_override", wire(in.orgOverride()));
        inputs.put("user_mode", wire(in.userMode()));
        inputs.put("agent_default", wire(in.agentDefault()));
        inputs.put("org_allowlisted", in.orgAllowlisted());
        inputs.put("canary_percent", in.canaryPercent());
        inputs.put("canary_bucket", in.canaryBucket().getAsInt());
        inputs.put("global_policy", wire(in.globalPolicy()));
        inputs.put("configured_default", in.configuredDefault().wire());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("user_id", user);
        reply.put("org_id", org);
        reply.put("agent_id", agent.orElse(null));
        reply.put("policy_version", in.policyVersion());
        reply.put("inputs", inputs);
        reply.put("decision", Map.of("mode", decision.mode().wire(), "reason", decision.reason()));
        // the shadow setting this user's requests are sampled by (agent's, else org's, else global; docs/shadow.md)
        reply.put("shadow", policies.snapshot().shadowFor(org, agent.orElse(null)).map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", s.scope());
            m.put("percent", s.percent());
            m.put("target", s.target().map(ExecutionMode::wire).orElse(null));
            return m;
        }).orElse(null));
        reply.put("precedence", List.of("rollback", "auto_fallback", "org_override", "user_mode", "agent_default",
                "canary", "global_policy", "global_default"));
        exchange.getMessage().setBody(reply);
    }

    /** {@code GET /api/v1/admin/users?mode=&org_id=&limit=&cursor=}: users whose effective mode (no agent) is {@code mode}. */
    public void users(Exchange exchange) {
        AdminRequest q = AdminRequest.query(exchange, json, LIST_KEYS);
        Optional<ExecutionMode> mode = q.mode("mode");
        Optional<String> org = Optional.ofNullable(adminScope.orgFilter(exchange, q.id("org_id").orElse(null)));
        int limit = q.integer("limit", 1, 500).orElse(100);
        String cursor = q.id("cursor").orElse("");
        List<Map<String, Object>> rows = jdbc.query("""
                SELECT id, org_id FROM users WHERE id > ? AND (CAST(? AS VARCHAR) IS NULL OR org_id = ?)
                ORDER BY id LIMIT ?""", (rs, i) -> Map.of("user_id", rs.getString(1), "org_id", rs.getString(2)),
                cursor, org.orElse(null), org.orElse(null), SCAN);
        List<Map<String, Object>> data = new ArrayList<>();
        String last = null;
        for (Map<String, Object> row : rows) {
            last = (String) row.get("user_id");
            ModeDecision d = ModeResolution.resolve(policies.inputs(last, (String) row.get("org_id"), null, false),
                    policies.autoFallbackState());
            if (mode.isEmpty() || mode.get() == d.mode()) {
                data.add(Map.of("user_id", last, "org_id", row.get("org_id"), "mode", d.mode().wire(), "reason", d.reason()));
                if (data.size() == limit) {
                    break;
                }
            }
        }
        exchange.getMessage().setBody(page(data, rows.size() == SCAN || data.size() == limit ? last : null));
    }

    /**
     * {@code GET /api/v1/admin/orgs?mode=&limit=&cursor=}: orgs by the mode their users get when nothing of their own
     * decides (no user mode, no agent, outside the canary), with the canary share on top of it.
     */
    public void orgs(Exchange exchange) {
        AdminRequest q = AdminRequest.query(exchange, json, Set.of("mode", "limit", "cursor"));
        Optional<ExecutionMode> mode = q.mode("mode");
        int limit = q.integer("limit", 1, 500).orElse(100);
        String cursor = q.id("cursor").orElse("");
        List<String> ids = jdbc.queryForList("SELECT id FROM organizations WHERE id > ? ORDER BY id LIMIT ?",
                String.class, cursor, SCAN);
        PolicySnapshot snapshot = policies.snapshot();
        List<Map<String, Object>> data = new ArrayList<>();
        String last = null;
        for (String org : ids) {
            last = org;
            PolicySnapshot.OrgPolicy own = snapshot.org(org);
            PolicyInputs outsideCanary = new PolicyInputs(null, org, null, snapshot.version(), snapshot.rollbackFor(org),
                    own.override(), Optional.empty(), Optional.empty(), own.newAllowed(), 0, () -> 99,
                    snapshot.globalMode(), policies.configuredDefault());
            ModeDecision d = ModeResolution.resolve(outsideCanary, policies.autoFallbackState());
            if (mode.isEmpty() || mode.get() == d.mode()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("org_id", org);
                row.put("mode", d.mode().wire());
                row.put("reason", d.reason());
                row.put("new_allowed", own.newAllowed());
                row.put("canary_percent", own.newAllowed() ? snapshot.canaryPercentFor(org) : 0);
                data.add(row);
                if (data.size() == limit) {
                    break;
                }
            }
        }
        exchange.getMessage().setBody(page(data, ids.size() == SCAN || data.size() == limit ? last : null));
    }

    private static Map<String, Object> page(List<Map<String, Object>> data, String next) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", data);
        page.put("next_cursor", next);
        return page;
    }

    private static String wire(Optional<ExecutionMode> mode) {
        return mode.map(ExecutionMode::wire).orElse(null);
    }
}
