package io.chatgw.plane.launch;

/** {@code gateway.plane.launcher=none}: planes are run by their users and dial in by themselves (seed Phase 5). */
public class NoLauncher implements PlaneLauncher {

    @Override
    public String mode() {
        return null;
    }

    @Override
    public void start(String userId, String orgId) {
        // nothing to start: wait for the user's own plane to say hello
    }

    @Override
    public void stop(String userId, String vmId, String reason) {
    }

    @Override
    public PlaneStatus poll(String userId) {
        return PlaneStatus.NONE;
    }
}
