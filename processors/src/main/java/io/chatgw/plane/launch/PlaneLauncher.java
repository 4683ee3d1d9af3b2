package io.chatgw.plane.launch;

/**
 * Starts and stops execution planes, JupyterHub-spawner style: one contract for every kind ({@code local} child
 * processes, {@code docker} containers, {@code none} for planes their users run), with every timeout a named
 * setting (docs/operations.md). A launcher writes the plane's {@code user_vm_instances} row (status starting)
 * before the plane can dial in; the plane is then admitted by that row and marked running on hello.
 */
public interface PlaneLauncher {

    /** What the launcher's planes are recorded as in {@code user_vm_instances.mode}; null for planes users run. */
    String mode();

    /**
     * Makes sure a plane for this user is starting or running (single-flight: concurrent calls for one user start
     * one plane); it will dial in and say hello. @throws RuntimeException with the reason if it cannot be started
     */
    void start(String userId, String orgId);

    /** Stops the user's plane with this vm_id if this launcher started it (its data stays for the next one). */
    void stop(String userId, String vmId, String reason);

    /** poll: the state of the plane this launcher started for the user. */
    PlaneStatus poll(String userId);

    /**
     * Freezes the user's idle plane, if this launcher can (docker: {@code docker pause}; its memory stays allocated).
     * @return whether it is paused now (false: this launcher does not pause, or it could not)
     */
    default boolean pause(String userId, String vmId) {
        return false;
    }

    /** Thaws the user's paused plane. @throws RuntimeException if it cannot (the plane is then gone) */
    default void unpause(String userId, String vmId) {
    }

    /** The vm_ids of the planes this launcher runs now (started or adopted). */
    default java.util.Collection<String> planes() {
        return java.util.List.of();
    }

    /** Started, unclaimed planes waiting for a user (docker's warm pool). */
    default int warmPoolSize() {
        return 0;
    }

    /** Stops every plane this launcher started (the gateway is shutting down), where the launcher says so. */
    default void shutdown() {
    }
}
