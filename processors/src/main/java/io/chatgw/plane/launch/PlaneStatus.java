package io.chatgw.plane.launch;

/** What {@link PlaneLauncher#poll} found: no plane, one running, or one that exited (with its code and why). */
public record PlaneStatus(State state, Integer exitCode, String detail) {

    public enum State { NONE, RUNNING, EXITED }

    public static final PlaneStatus NONE = new PlaneStatus(State.NONE, null, null);
    public static final PlaneStatus RUNNING = new PlaneStatus(State.RUNNING, null, null);

    public static PlaneStatus exited(Integer exitCode, String detail) {
        return new PlaneStatus(State.EXITED, exitCode, detail);
    }

    public boolean running() {
        return state == State.RUNNING;
    }
}
