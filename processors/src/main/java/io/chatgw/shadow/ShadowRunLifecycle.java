package io.chatgw.shadow;

import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.springframework.stereotype.Component;

/**
 * The shadow-run route's policy (routes/shadow.yaml): when ops stop or suspend it (the admin API's route control) the
 * shadows it was running are given up and their places given back ({@link ShadowAdmission#routeStopped}), and samples
 * are skipped ({@code route_stopped}) until it is started or resumed. A stop first waits for the running shadows up to
 * {@code gateway.admin.route-stop-timeout}; those it did not wait for end on their path as cancelled.
 */
@Component("shadowRunLifecycle")
public class ShadowRunLifecycle extends RoutePolicySupport {

    private final ShadowAdmission admission;

    public ShadowRunLifecycle(ShadowAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void onStart(Route route) {
        admission.routeStarted();
    }

    @Override
    public void onResume(Route route) {
        admission.routeStarted();
    }

    @Override
    public void onStop(Route route) {
        admission.routeStopped();
    }

    @Override
    public void onSuspend(Route route) {
        admission.routeStopped();
    }
}
