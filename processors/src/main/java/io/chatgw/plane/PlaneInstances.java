package io.chatgw.plane;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The user_vm_instances rows: one live row per user (starting / running), terminated when the plane is gone. */
@Component
public class PlaneInstances {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public PlaneInstances(JdbcTemplate jdbc, TransactionTemplate tx, PlaneRegistry registry) {
        this.jdbc = jdbc;
        this.tx = tx;
        registry.whenDead(link -> terminated(link.vmId()));
    }

    /** A plane is being started (by a launcher) or said hello on its own: the user's live row is this vm. */
    public void live(String userId, String orgId, String vmId, String mode, String status) {
        tx.executeWithoutResult(s -> {
            jdbc.update("""
                    UPDATE user_vm_instances SET status = 'terminated', terminated_at = now()
                    WHERE user_id = ? AND status <> 'terminated' AND vm_id IS DISTINCT FROM ?""", userId, vmId);
            int updated = jdbc.update("""
                    UPDATE user_vm_instances SET status = ? WHERE vm_id = ? AND user_id = ? AND status <> 'terminated'""",
                    status, vmId, userId);
            if (updated == 0) {
                jdbc.update("""
                        INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id, ip_address)
                        VALUES (?, ?, ?, ?, ?, '127.0.0.1')""", userId, orgId, mode, status, vmId);
            }
        });
    }

    public void terminated(String vmId) {
        jdbc.update("""
                UPDATE user_vm_instances SET status = 'terminated', terminated_at = now()
                WHERE vm_id = ? AND status <> 'terminated'""", vmId);
    }
}
