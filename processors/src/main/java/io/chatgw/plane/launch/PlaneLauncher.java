package io.chatgw.plane.launch;

/** Starts execution planes. JupyterHub-spawner style: the whole lifecycle behind start / stop / poll. */
public interface PlaneLauncher {

    /** Makes sure a plane for this user is starting or running; it will dial in and say hello. */
    void ensureRunning(String userId, String orgId);

    /** Stops the user's plane with this vm_id if this launcher started it (e.g. it was declared dead). */
    void stop(String userId, String vmId);

    /** Whether a plane this launcher started for the user is still running. */
    boolean isRunning(String userId);
}
