package io.chatgw.routing;

import io.chatgw.core.ExecutionMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a {@link PolicySnapshot} in one repeatable-read transaction, so the version and the rows agree. Only the
 * rows that set something are read (orgs with an override, allowlisted or with their own canary or shadow; agents
 * with a default or a shadow setting), so its size follows what ops configured, not the number of orgs.
 */
@Component
public class PolicySnapshotLoader {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public PolicySnapshotLoader(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        tx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        tx.setReadOnly(true);
    }

    public long currentVersion() {
        return jdbc.queryForObject("SELECT version FROM policy_version WHERE id = 1", Long.class);
    }

    public PolicySnapshot load() {
        return tx.execute(status -> {
            long version = currentVersion();
            Optional<ExecutionMode>[] globalMode = new Optional[]{Optional.empty()};
            int[] globalCanary = {0};
            Optional<ShadowPolicy>[] globalShadow = new Optional[]{Optional.empty()};
            jdbc.query("""
                    SELECT execution_mode, canary_percent, shadow_percent, shadow_path
                    FROM route_policies WHERE scope = 'global' AND enabled""",
                    rs -> {
                        globalMode[0] = ExecutionMode.parse(rs.getString(1));
                        globalCanary[0] = rs.getInt(2);
                        globalShadow[0] = ShadowPolicy.of("global", (Integer) rs.getObject(3), rs.getString(4));
                    });
            Map<String, PolicySnapshot.OrgPolicy> orgs = new HashMap<>();
            jdbc.query("""
                    SELECT o.id, o.execution_mode, o.new_allowed, p.canary_percent, p.shadow_percent, p.shadow_path
                    FROM organizations o
                    LEFT JOIN route_policies p ON p.scope = 'org' AND p.scope_id = o.id AND p.enabled
                    WHERE o.execution_mode IS NOT NULL OR o.new_allowed OR p.id IS NOT NULL""",
                    rs -> {
                        Integer canary = (Integer) rs.getObject(4);
                        orgs.put(rs.getString(1), new PolicySnapshot.OrgPolicy(ExecutionMode.parse(rs.getString(2)),
                                rs.getBoolean(3), canary == null ? OptionalInt.empty() : OptionalInt.of(canary),
                                ShadowPolicy.of("org", (Integer) rs.getObject(5), rs.getString(6))));
                    });
            Map<String, ExecutionMode> agents = new HashMap<>();
            Map<String, ShadowPolicy> agentShadows = new HashMap<>();
            jdbc.query("""
                    SELECT id, default_execution_mode, shadow_percent, shadow_path FROM agents
                    WHERE default_execution_mode IS NOT NULL OR shadow_percent IS NOT NULL""",
                    rs -> {
                        String id = rs.getString(1);
                        ExecutionMode.parse(rs.getString(2)).ifPresent(mode -> agents.put(id, mode));
                        ShadowPolicy.of("agent", (Integer) rs.getObject(3), rs.getString(4))
                                .ifPresent(shadow -> agentShadows.put(id, shadow));
                    });
            Optional<PolicySnapshot.Rollback>[] global = new Optional[]{Optional.empty()};
            Map<String, PolicySnapshot.Rollback> orgRollbacks = new HashMap<>();
            jdbc.query("SELECT scope, scope_id, started_by, started_at, reason FROM policy_rollbacks", rs -> {
                PolicySnapshot.Rollback r = rollback(rs);
                if (r.orgId() == null) {
                    global[0] = Optional.of(r);
                } else {
                    orgRollbacks.put(r.orgId(), r);
                }
            });
            return new PolicySnapshot(version, globalMode[0], globalCanary[0], Map.copyOf(orgs), Map.copyOf(agents),
                    global[0], Map.copyOf(orgRollbacks), globalShadow[0], Map.copyOf(agentShadows));
        });
    }

    private static PolicySnapshot.Rollback rollback(ResultSet rs) throws SQLException {
        Timestamp at = rs.getTimestamp("started_at");
        return new PolicySnapshot.Rollback(rs.getString("scope"), rs.getString("scope_id"), rs.getString("started_by"),
                at.toInstant(), rs.getString("reason"));
    }
}
