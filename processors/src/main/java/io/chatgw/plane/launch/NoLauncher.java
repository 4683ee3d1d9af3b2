package io.chatgw.plane.launch;

/** {@code gateway.plane.launcher=none}: planes are run by their users and dial in by themselves. */
public class NoLauncher implements PlaneLauncher {

    @Override
    public void ensureRunning(String userId, String orgId) {
        // nothing to start: wait for the user's own plane to say hello
    }

    @Override
    public void stop(String userId, String vmId) {
    }

    @Override
    public boolean isRunning(String userId) {
        return false;
    }
}
