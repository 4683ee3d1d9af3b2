package io.chatgw.plane.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.events.Audit;
import io.chatgw.events.EventStore;
import io.chatgw.plane.link.PlaneRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The user_vm_instances rows: one live row per user (starting / running / frozen), terminated (with the reason in
 * {@code config.terminated_reason}) when the plane is gone. Launchers write the row of a plane they start; a plane
 * that dials in by itself gets one on hello (mode {@code local}: the seed's local execution mode, with the address it
 * connected from). Every transition is an audit event ({@code plane.starting} / {@code plane.running} /
 * {@code plane.terminated} ...) written with the row, in its transaction (docs/events.md).
 */
@Component
public class PlaneInstances {

    /** The mode of a plane its user runs (no launcher started it). */
    static final String SELF_RUN_MODE = "local";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventStore events;
    private final ObjectMapper json;

    public PlaneInstances(JdbcTemplate jdbc, TransactionTemplate tx, PlaneRegistry registry, EventStore events, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.json = json;
        registry.whenDead(link -> terminated(link.vmId(), "declared dead"));
    }

    /** A launcher is starting this plane: the user's live row is this one (any other live row is superseded). */
    public void starting(String userId, String orgId, PlaneInstance plane) {
        tx.executeWithoutResult(s -> {
            supersede(userId, orgId, plane.vmId());
            int updated = jdbc.update("""
                    UPDATE user_vm_instances SET status = 'starting', mode = ?, disk_id = ?, ip_address = ?, config = CAST(? AS jsonb)
                    WHERE vm_id = ? AND user_id = ? AND status <> 'terminated'""",
                    plane.mode(), plane.diskId(), plane.address(), write(plane.config()), plane.vmId(), userId);
            if (updated == 0) {
                jdbc.update("""
                        INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id, disk_id, ip_address, config)
                        VALUES (?, ?, ?, 'starting', ?, ?, ?, CAST(? AS jsonb))""",
                        userId, orgId, plane.mode(), plane.vmId(), plane.diskId(), plane.address(), write(plane.config()));
            }
            audit(orgId, "plane.starting", plane.vmId(), Map.of("user_id", userId, "mode", plane.mode(),
                    "disk_id", String.valueOf(plane.diskId())));
        });
    }

    /** The plane said hello: its live row says running (a row is made for a plane that dialed in by itself). */
    public void running(String userId, String orgId, String vmId, String remoteAddress) {
        transition(userId, orgId, vmId, "running", remoteAddress);
    }

    /** Paused (frozen) or unpaused (running) by its launcher. */
    public void transition(String userId, String orgId, String vmId, String status, String remoteAddress) {
        tx.executeWithoutResult(s -> {
            int updated = jdbc.update("""
                    UPDATE user_vm_instances SET status = ? WHERE vm_id = ? AND user_id = ? AND status <> 'terminated'""",
                    status, vmId, userId);
            String mode = SELF_RUN_MODE;
            if (updated == 0) {
                supersede(userId, orgId, vmId);
                jdbc.update("""
                        INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id, ip_address)
                        VALUES (?, ?, ?, ?, ?, ?)""", userId, orgId, mode, status, vmId, remoteAddress);
            } else {
                mode = jdbc.queryForObject("SELECT mode FROM user_vm_instances WHERE vm_id = ? AND user_id = ? AND status <> 'terminated'",
                        String.class, vmId, userId);
            }
            audit(orgId, "plane." + status, vmId, Map.of("user_id", userId, "mode", mode));
        });
    }

    /** The plane is gone: its live row is terminated, with the reason. */
    public void terminated(String vmId, String reason) {
        Map<String, Object> why = Map.of("terminated_reason", Audit.clip(reason, 200));
        tx.executeWithoutResult(s -> jdbc.query("""
                UPDATE user_vm_instances SET status = 'terminated', terminated_at = now(), config = config || CAST(? AS jsonb)
                WHERE vm_id = ? AND status <> 'terminated' RETURNING user_id, org_id""", rs -> {
            Map<String, Object> details = new LinkedHashMap<>(why);
            details.put("user_id", rs.getString(1));
            audit(rs.getString(2), "plane.terminated", vmId, details);
        }, write(why), vmId));
    }

    /** The user's live row, if any: its vm_id, mode, status and disk_id. */
    public Map<String, Object> liveRow(String userId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT vm_id, mode, status, disk_id FROM user_vm_instances WHERE user_id = ? AND status <> 'terminated'""", userId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The disk_id of the user's latest plane of {@code mode} (its data: a docker volume), or null if none. */
    public String lastDisk(String userId, String mode) {
        List<String> disks = jdbc.queryForList("""
                SELECT disk_id FROM user_vm_instances WHERE user_id = ? AND mode = ? AND disk_id IS NOT NULL
                ORDER BY created_at DESC LIMIT 1""", String.class, userId, mode);
        return disks.isEmpty() ? null : disks.get(0);
    }

    /** The live row whose plane runs in container {@code name} (a claimed warm-pool container): user, org, vm_id. */
    public Map<String, Object> liveRowOfContainer(String name) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT user_id, org_id, vm_id FROM user_vm_instances WHERE status <> 'terminated' AND config->>'container' = ?
                ORDER BY created_at DESC LIMIT 1""", name);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private void supersede(String userId, String orgId, String vmId) {
        List<String> superseded = jdbc.queryForList("""
                UPDATE user_vm_instances SET status = 'terminated', terminated_at = now(),
                config = config || '{"terminated_reason":"superseded"}'::jsonb
                WHERE user_id = ? AND status <> 'terminated' AND vm_id IS DISTINCT FROM ? RETURNING vm_id""",
                String.class, userId, vmId);
        for (String old : superseded) {
            audit(orgId, "plane.terminated", String.valueOf(old), Map.of("user_id", userId, "superseded_by", String.valueOf(vmId)));
        }
    }

    private void audit(String orgId, String action, String vmId, Map<String, Object> details) {
        events.write(List.of(Audit.of("system", orgId, action, String.valueOf(vmId), details)));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value == null ? Map.of() : value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
