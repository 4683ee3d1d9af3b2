package io.chatgw.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.routing.RoutePolicies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code POST /api/v1/admin/rollback} and {@code /rollback/undo} (routes/admin.yaml). A rollback is a row of
 * {@code policy_rollbacks}: every new decision in its scope is {@code legacy} (the top rule of the precedence), and
 * nothing else is changed, so undo (deleting the row) restores the routing exactly as it was, canary buckets
 * included. The row's trigger NOTIFYs every instance. Turns already running keep their path. Both are audited.
 */
@Component("rollbackControl")
public class RollbackControl {

    private static final Set<String> KEYS = Set.of("scope", "org_id", "reason");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final RoutePolicies policies;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public RollbackControl(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, RoutePolicies policies,
                           ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.policies = policies;
        this.json = json;
    }

    public void start(Exchange exchange) {
        Scope scope = scope(exchange);
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        Map<String, Object> reply = tx.execute(status -> {
            Optional<Map<String, Object>> before = current(scope);
            if (before.isEmpty()) {
                jdbc.update("INSERT INTO policy_rollbacks (scope, scope_id, started_by, reason) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (scope, COALESCE(scope_id, '')) DO NOTHING",
                        scope.scope, scope.orgId, admin.userId(), scope.reason);
            }
            Optional<Map<String, Object>> after = current(scope);
            audit.record(admin.userId(), scope.orgId, "policy.rollback", scope.target(), state(before), state(after),
                    scope.reason);
            return reply(scope, before, after);
        });
        policies.refresh();
        exchange.getMessage().setBody(reply);
    }

    public void undo(Exchange exchange) {
        Scope scope = scope(exchange);
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        Map<String, Object> reply = tx.execute(status -> {
            Optional<Map<String, Object>> before = current(scope);
            if (before.isEmpty()) {
                throw new GatewayException(409, "no_rollback", "no rollback is in force for " + scope.target());
            }
            jdbc.update("DELETE FROM policy_rollbacks WHERE scope = ? AND scope_id IS NOT DISTINCT FROM ?",
                    scope.scope, scope.orgId);
            audit.record(admin.userId(), scope.orgId, "policy.rollback_undone", scope.target(), state(before),
                    state(Optional.empty()), scope.reason);
            return reply(scope, before, Optional.empty());
        });
        policies.refresh();
        exchange.getMessage().setBody(reply);
    }

    private Scope scope(Exchange exchange) {
        AdminRequest body = AdminRequest.body(exchange, json, KEYS);
        String scope = body.oneOf("scope", List.of("global", "org")).orElse(body.has("org_id") ? "org" : "global");
        Optional<String> org = body.id("org_id");
        if (scope.equals("org") && org.isEmpty()) {
            throw AdminRequest.invalid("org_id", "is required with scope org");
        }
        if (scope.equals("global") && org.isPresent()) {
            throw AdminRequest.invalid("org_id", "is only allowed with scope org");
        }
        if (org.isPresent()) { // before anything about the org is told: an org admin only rolls back its own
            adminScope.requireOrg(exchange, org.get());
        } else {
            adminScope.requirePlatform(exchange);
        }
        if (org.isPresent() && jdbc.queryForObject("SELECT count(*) FROM organizations WHERE id = ?",
                Integer.class, org.get()) == 0) {
            throw GatewayException.notFound("unknown_org", "org '" + org.get() + "' does not exist");
        }
        Optional<String> reason = body.text("reason");
        if (reason.isPresent() && reason.get().length() > 500) {
            throw AdminRequest.invalid("reason", "must be at most 500 characters");
        }
        return new Scope(scope, org.orElse(null), reason.orElse(null));
    }

    private Optional<Map<String, Object>> current(Scope scope) {
        return jdbc.query("""
                SELECT started_by, started_at, reason FROM policy_rollbacks
                WHERE scope = ? AND scope_id IS NOT DISTINCT FROM ?""", (rs, i) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("started_by", rs.getString(1));
            row.put("started_at", rs.getTimestamp(2).toInstant().toString());
            row.put("reason", rs.getString(3));
            return row;
        }, scope.scope, scope.orgId).stream().findFirst();
    }

    private static Map<String, Object> state(Optional<Map<String, Object>> rollback) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rollback", rollback.orElse(null));
        return s;
    }

    private static Map<String, Object> reply(Scope scope, Optional<Map<String, Object>> before,
                                             Optional<Map<String, Object>> after) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("scope", scope.scope);
        reply.put("org_id", scope.orgId);
        reply.put("changed", before.isPresent() != after.isPresent());
        reply.put("before", state(before));
        reply.put("after", state(after));
        return reply;
    }

    private record Scope(String scope, String orgId, String reason) {
        String target() {
            return orgId == null ? "global" : "org:" + orgId;
        }
    }
}
