package io.chatgw.plane.launch;

import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.events.Audit;
import io.chatgw.events.EventStore;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The user_vm_instances rows: one live row per user (starting / running), terminated when the plane is gone.
 * Every transition is an audit event ({@code plane.starting} / {@code plane.running} / {@code plane.terminated})
 * written with the row, in its transaction (docs/events.md).
 */
@Component
public class PlaneInstances {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventStore events;

    public PlaneInstances(JdbcTemplate jdbc, TransactionTemplate tx, PlaneRegistry registry, EventStore events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        registry.whenDead(link -> terminated(link.vmId()));
    }

    /** A plane is being started (by a launcher) or said hello on its own: the user's live row is this vm. */
    public void live(String userId, String orgId, String vmId, String mode, String status) {
        tx.executeWithoutResult(s -> {
            List<String> superseded = jdbc.queryForList("""
                    UPDATE user_vm_instances SET status = 'terminated', terminated_at = now()
                    WHERE user_id = ? AND status <> 'terminated' AND vm_id IS DISTINCT FROM ? RETURNING vm_id""",
                    String.class, userId, vmId);
            for (String old : superseded) {
                events.write(List.of(Audit.of("system", orgId, "plane.terminated", String.valueOf(old),
                        Map.of("user_id", userId, "superseded_by", String.valueOf(vmId)))));
            }
            int updated = jdbc.update("""
                    UPDATE user_vm_instances SET status = ? WHERE vm_id = ? AND user_id = ? AND status <> 'terminated'""",
                    status, vmId, userId);
            if (updated == 0) {
                jdbc.update("""
                        INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id, ip_address)
                        VALUES (?, ?, ?, ?, ?, '127.0.0.1')""", userId, orgId, mode, status, vmId);
            }
            events.write(List.of(Audit.of("system", orgId, "plane." + status, String.valueOf(vmId),
                    Map.of("user_id", userId, "mode", String.valueOf(mode)))));
        });
    }

    public void terminated(String vmId) {
        tx.executeWithoutResult(s -> jdbc.query("""
                UPDATE user_vm_instances SET status = 'terminated', terminated_at = now()
                WHERE vm_id = ? AND status <> 'terminated' RETURNING user_id, org_id""", rs -> {
            events.write(List.of(Audit.of("system", rs.getString(2), "plane.terminated", vmId,
                    Map.of("user_id", rs.getString(1)))));
        }, vmId));
    }
}
