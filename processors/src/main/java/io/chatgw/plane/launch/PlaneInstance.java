package io.chatgw.plane.launch;

import java.util.Map;

/**
 * A plane a launcher is starting, as its {@code user_vm_instances} row records it: the vm_id it dials in with, the
 * launcher's mode, its persistent data ({@code disk_id}: a data directory or a named volume), the address it runs at
 * and its resources ({@code config}).
 */
public record PlaneInstance(String vmId, String mode, String diskId, String address, Map<String, Object> config) {
}
