package io.chatgw.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.routing.RoutePolicies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reading and setting the routing inputs (routes/admin.yaml): an org's override, allowlist membership and canary
 * percentage; a user's mode; an agent's default; the global mode and canary percentage; and the shadow setting
 * ({@code shadow_percent}, {@code shadow_path}: docs/shadow.md) of the global policy, an org or an agent. A {@code PUT} changes only
 * the keys it names ({@code null} clears one), is audited with before and after, and applies on every instance
 * within a second (the tables' triggers NOTIFY the new policy version; this instance re-reads at once).
 */
@Component("policySettings")
public class PolicySettings {

    private static final Set<String> ORG_KEYS = Set.of("execution_mode", "new_allowed", "canary_percent",
            "shadow_percent", "shadow_path", "reason");
    private static final Set<String> MODE_KEYS = Set.of("execution_mode", "reason");
    private static final Set<String> AGENT_KEYS = Set.of("execution_mode", "shadow_percent", "shadow_path", "reason");
    private static final Set<String> GLOBAL_KEYS = Set.of("execution_mode", "canary_percent", "shadow_percent",
            "shadow_path", "reason");
    /** Sets the shadow columns a body names (the CASE keeps the others), in one statement: the row's CHECK holds. */
    private static final String SET_SHADOW = "shadow_percent = CASE WHEN ?::boolean THEN ?::smallint ELSE shadow_percent END, "
            + "shadow_path = CASE WHEN ?::boolean THEN ?::varchar ELSE shadow_path END";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final RoutePolicies policies;
    private final ObjectMapper json;

    public PolicySettings(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, RoutePolicies policies,
                          ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.policies = policies;
        this.json = json;
    }

    // --- orgs --------------------------------------------------------------------------------------------------

    public void getOrg(Exchange exchange) {
        String org = pathId(exchange, "orgId");
        exchange.getMessage().setBody(org(org).orElseThrow(() -> unknown("org", org)));
    }

    /** Creates the org if it is not known yet, so ops can allowlist an org before its first user signs in. */
    public void setOrg(Exchange exchange) {
        String org = pathId(exchange, "orgId");
        AdminRequest body = AdminRequest.body(exchange, json, ORG_KEYS);
        body.requireAny("execution_mode", "new_allowed", "canary_percent", "shadow_percent", "shadow_path");
        Optional<ExecutionMode> mode = body.mode("execution_mode");
        ShadowChange shadow = ShadowChange.of(body, org(org).orElse(null));
        Optional<Boolean> allowed = body.bool("new_allowed");
        if (body.has("new_allowed") && allowed.isEmpty()) {
            throw AdminRequest.invalid("new_allowed", "must be true or false, got null");
        }
        Optional<Integer> canary = body.integer("canary_percent", 0, 100);
        change(exchange, body, "policy.org_updated", org, "org:" + org, () -> org(org).orElse(null), () -> {
            jdbc.update("INSERT INTO organizations (id) VALUES (?) ON CONFLICT (id) DO NOTHING", org);
            if (body.has("execution_mode")) {
                jdbc.update("UPDATE organizations SET execution_mode = ?, updated_at = now() WHERE id = ?",
                        mode.map(ExecutionMode::wire).orElse(null), org);
            }
            allowed.ifPresent(a -> jdbc.update("UPDATE organizations SET new_allowed = ?, updated_at = now() WHERE id = ?", a, org));
            if (body.has("canary_percent") || shadow.named()) {
                jdbc.update("""
                        INSERT INTO route_policies (scope, scope_id, updated_by) VALUES ('org', ?, ?)
                        ON CONFLICT (scope, COALESCE(scope_id, '')) DO NOTHING""", org, actor(exchange));
                jdbc.update("UPDATE route_policies SET canary_percent = CASE WHEN ?::boolean THEN ?::smallint ELSE canary_percent END, "
                        + SET_SHADOW + ", enabled = true, updated_by = ?, updated_at = now() WHERE scope = 'org' AND scope_id = ?",
                        ShadowChange.prepend(body.has("canary_percent"), canary.orElse(null), shadow.with(actor(exchange), org)));
                // a row that sets nothing any more goes: the org follows the global canary and shadow again
                jdbc.update("DELETE FROM route_policies WHERE scope = 'org' AND scope_id = ? AND canary_percent IS NULL "
                        + "AND shadow_percent IS NULL AND shadow_path IS NULL", org);
            }
        }, () -> org(org).orElseThrow());
    }

    private Optional<Map<String, Object>> org(String org) {
        return jdbc.query("""
                SELECT o.execution_mode, o.new_allowed, p.canary_percent,
                       (SELECT g.canary_percent FROM route_policies g WHERE g.scope = 'global' AND g.enabled),
                       p.shadow_percent, p.shadow_path
                FROM organizations o
                LEFT JOIN route_policies p ON p.scope = 'org' AND p.scope_id = o.id AND p.enabled
                WHERE o.id = ?""", (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("org_id", org);
            m.put("execution_mode", rs.getString(1));
            m.put("new_allowed", rs.getBoolean(2));
            int canary = rs.getInt(3);
            boolean own = !rs.wasNull();
            m.put("canary_percent", own ? canary : null);
            m.put("effective_canary_percent", own ? canary : rs.getInt(4)); // the global one (0 when unset)
            m.put("shadow_percent", rs.getObject(5));   // null: the global shadow setting applies
            m.put("shadow_path", rs.getString(6));
            return m;
        }, org).stream().findFirst();
    }

    // --- users and agents ---------------------------------------------------------------------------------------

    public void getUser(Exchange exchange) {
        String user = pathId(exchange, "userId");
        exchange.getMessage().setBody(user(user).orElseThrow(() -> unknown("user", user)));
    }

    public void setUser(Exchange exchange) {
        String user = pathId(exchange, "userId");
        AdminRequest body = AdminRequest.body(exchange, json, MODE_KEYS);
        body.requireAny("execution_mode");
        Optional<ExecutionMode> mode = body.mode("execution_mode");
        Map<String, Object> before = user(user).orElseThrow(() -> unknown("user", user));
        change(exchange, body, "policy.user_mode_updated", (String) before.get("org_id"), "user:" + user,
                () -> before, () -> jdbc.update("UPDATE users SET execution_mode = ?, updated_at = now() WHERE id = ?",
                        mode.map(ExecutionMode::wire).orElse(null), user),
                () -> user(user).orElseThrow());
    }

    private Optional<Map<String, Object>> user(String user) {
        return jdbc.query("SELECT org_id, execution_mode FROM users WHERE id = ?", (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", user);
            m.put("org_id", rs.getString(1));
            m.put("execution_mode", rs.getString(2));
            return m;
        }, user).stream().findFirst();
    }

    public void getAgent(Exchange exchange) {
        String agent = pathId(exchange, "agentId");
        exchange.getMessage().setBody(agent(agent).orElseThrow(() -> unknown("agent", agent)));
    }

    public void setAgent(Exchange exchange) {
        String agent = pathId(exchange, "agentId");
        AdminRequest body = AdminRequest.body(exchange, json, AGENT_KEYS);
        body.requireAny("execution_mode", "shadow_percent", "shadow_path");
        Optional<ExecutionMode> mode = body.mode("execution_mode");
        Map<String, Object> before = agent(agent).orElseThrow(() -> unknown("agent", agent));
        ShadowChange shadow = ShadowChange.of(body, before);
        change(exchange, body, "policy.agent_default_updated", null, "agent:" + agent, () -> before, () -> {
            if (body.has("execution_mode")) {
                jdbc.update("UPDATE agents SET default_execution_mode = ? WHERE id = ?",
                        mode.map(ExecutionMode::wire).orElse(null), agent);
            }
            if (shadow.named()) {
                jdbc.update("UPDATE agents SET " + SET_SHADOW + " WHERE id = ?", shadow.with(agent));
            }
        }, () -> agent(agent).orElseThrow());
    }

    private Optional<Map<String, Object>> agent(String agent) {
        return jdbc.query("SELECT name, default_execution_mode, shadow_percent, shadow_path FROM agents WHERE id = ?", (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent_id", agent);
            m.put("name", rs.getString(1));
            m.put("default_execution_mode", rs.getString(2));
            m.put("shadow_percent", rs.getObject(3));   // null: the org's or the global shadow setting applies
            m.put("shadow_path", rs.getString(4));
            return m;
        }, agent).stream().findFirst();
    }

    // --- global -------------------------------------------------------------------------------------------------

    public void getGlobal(Exchange exchange) {
        exchange.getMessage().setBody(global());
    }

    public void setGlobal(Exchange exchange) {
        AdminRequest body = AdminRequest.body(exchange, json, GLOBAL_KEYS);
        body.requireAny("execution_mode", "canary_percent", "shadow_percent", "shadow_path");
        Optional<ExecutionMode> mode = body.mode("execution_mode");
        Optional<Integer> canary = body.integer("canary_percent", 0, 100);
        if (body.has("canary_percent") && canary.isEmpty()) {
            throw AdminRequest.invalid("canary_percent", "must be an integer from 0 to 100 (0 turns the canary off), got null");
        }
        ShadowChange shadow = ShadowChange.of(body, global());
        change(exchange, body, "policy.global_updated", null, "global", this::global, () -> {
            jdbc.update("""
                    INSERT INTO route_policies (scope, updated_by) VALUES ('global', ?)
                    ON CONFLICT (scope, COALESCE(scope_id, '')) DO NOTHING""", actor(exchange));
            if (body.has("execution_mode")) {
                jdbc.update("UPDATE route_policies SET execution_mode = ?, enabled = true, updated_by = ?, updated_at = now() "
                        + "WHERE scope = 'global'", mode.map(ExecutionMode::wire).orElse(null), actor(exchange));
            }
            canary.ifPresent(c -> jdbc.update("UPDATE route_policies SET canary_percent = ?, enabled = true, updated_by = ?, "
                    + "updated_at = now() WHERE scope = 'global'", c, actor(exchange)));
            if (shadow.named()) {
                jdbc.update("UPDATE route_policies SET " + SET_SHADOW + ", enabled = true, updated_by = ?, updated_at = now() "
                        + "WHERE scope = 'global'", shadow.with(actor(exchange)));
            }
        }, this::global);
    }

    private Map<String, Object> global() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_mode", null);
        m.put("canary_percent", 0);
        m.put("shadow_percent", null);
        m.put("shadow_path", null);
        jdbc.query("SELECT execution_mode, canary_percent, shadow_percent, shadow_path FROM route_policies "
                + "WHERE scope = 'global' AND enabled", rs -> {
            m.put("execution_mode", rs.getString(1));
            m.put("canary_percent", rs.getInt(2));
            m.put("shadow_percent", rs.getObject(3));
            m.put("shadow_path", rs.getString(4));
        });
        m.put("configured_default", policies.configuredDefault().wire());
        m.put("rollout_key", policies.rolloutKey());
        return m;
    }

    // --- the canary ledger --------------------------------------------------------------------------------------

    /** {@code DELETE /api/v1/admin/canary/{rolloutKey}/assignments}: every user of the rollout is bucketed afresh. */
    public void clearAssignments(Exchange exchange) {
        String rollout = exchange.getIn().getHeader("rolloutKey", String.class);
        if (rollout == null || !rollout.matches("^[A-Za-z0-9._:-]{1,64}$")) {
            throw AdminRequest.invalid("rolloutKey", "must match [A-Za-z0-9._:-]{1,64}");
        }
        AdminRequest body = AdminRequest.body(exchange, json, Set.of("reason"));
        Map<String, Object> reply = tx.execute(status -> {
            int cleared = jdbc.update("DELETE FROM canary_assignments WHERE rollout_key = ?", rollout);
            audit.record(actor(exchange), null, "policy.canary_cleared", "rollout:" + rollout,
                    Map.of("assignments", cleared), Map.of("assignments", 0), body.text("reason").orElse(null));
            return Map.<String, Object>of("rollout_key", rollout, "cleared", cleared);
        });
        policies.refresh();
        exchange.getMessage().setBody(reply);
    }

    // --- shared -------------------------------------------------------------------------------------------------

    /** Before, write, after, audit row in one transaction; then this instance re-reads; the reply is {before, after}. */
    private void change(Exchange exchange, AdminRequest body, String action, String orgId, String target,
                        Supplier<Object> before, Runnable write, Supplier<Object> after) {
        Optional<String> reason = body.text("reason");
        if (reason.isPresent() && reason.get().length() > 500) {
            throw AdminRequest.invalid("reason", "must be at most 500 characters");
        }
        Map<String, Object> reply = tx.execute(status -> {
            Object was = before.get();
            write.run();
            Object now = after.get();
            audit.record(actor(exchange), orgId, action, target, was, now, reason.orElse(null));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("before", was);
            r.put("after", now);
            return r;
        });
        policies.refresh();
        exchange.getMessage().setBody(reply);
    }

    private static String actor(Exchange exchange) {
        return exchange.getProperty(ExchangeKeys.CALLER, Caller.class).userId();
    }

    static String pathId(Exchange exchange, String name) {
        String id = exchange.getIn().getHeader(name, String.class);
        if (id == null || !io.chatgw.auth.CallerDirectory.ID.matcher(id).matches()) {
            throw AdminRequest.invalid(name, "must match " + io.chatgw.auth.CallerDirectory.ID.pattern());
        }
        return id;
    }

    private static GatewayException unknown(String what, String id) {
        return GatewayException.notFound("unknown_" + what, what + " '" + id + "' does not exist");
    }
}
