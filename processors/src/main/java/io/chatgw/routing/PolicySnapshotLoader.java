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
 * rows that set something are read (orgs with an override, allowlisted or with their own canary; agents with a
 * default), so its size follows what ops configured, not the number of orgs.
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
            jdbc.query("SELECT execution_mode, canary_percent FROM route_policies WHERE scope = 'global' AND enabled",
                    rs -> {
                        globalMode[0] = ExecutionMode.parse(rs.getString(1));
                        globalCanary[0] = rs.getInt(2);
                    });
            Map<String, PolicySnapshot.OrgPolicy> orgs = new HashMap<>();
            jdbc.query("""
                    SELECT o.id, o.execution_mode, o.new_allowed, p.canary_percent
                    FROM organizations o
                    LEFT JOIN route_policies p ON p.scope = 'org' AND p.scope_id = o.id AND p.enabled
                    WHERE o.execution_mode IS NOT NULL OR o.new_allowed OR p.id IS NOT NULL""",
                    rs -> {
                        int canary = rs.getInt(4);
                        orgs.put(rs.getString(1), new PolicySnapshot.OrgPolicy(ExecutionMode.parse(rs.getString(2)),
                                rs.getBoolean(3), rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(canary)));
                    });
            Map<String, ExecutionMode> agents = new HashMap<>();
            jdbc.query("SELECT id, default_execution_mode FROM agents WHERE default_execution_mode IS NOT NULL",
                    rs -> {
                        agents.put(rs.getString(1), ExecutionMode.parse(rs.getString(2)).orElseThrow());
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
                    global[0], Map.copyOf(orgRollbacks));
        });
    }

    private static PolicySnapshot.Rollback rollback(ResultSet rs) throws SQLException {
        Timestamp at = rs.getTimestamp("started_at");
        return new PolicySnapshot.Rollback(rs.getString("scope"), rs.getString("scope_id"), rs.getString("started_by"),
                at.toInstant(), rs.getString("reason"));
    }
}
