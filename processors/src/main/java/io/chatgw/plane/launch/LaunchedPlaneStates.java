package io.chatgw.plane.launch;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Gauges of the planes the launcher runs, whatever the launcher (containers with docker, child processes with local):
 * {@code gateway_plane_containers{status}} (starting: no hello yet, running, paused) and
 * {@code gateway_plane_warm_pool_size} (started, unclaimed containers; 0 without docker).
 */
@Component
public class LaunchedPlaneStates {

    static final List<String> STATUSES = List.of("starting", "running", "paused");

    private final PlaneRegistry registry;
    private final PlaneLauncher launcher;

    public LaunchedPlaneStates(PlaneRegistry registry, PlaneLauncher launcher, MeterRegistry meters) {
        this.registry = registry;
        this.launcher = launcher;
        for (String status : STATUSES) {
            Gauge.builder("gateway.plane.containers", this, s -> s.count(status))
                    .description("planes the launcher started or adopted, by status").tag("status", status).register(meters);
        }
        Gauge.builder("gateway.plane.warm.pool.size", launcher, PlaneLauncher::warmPoolSize)
                .description("started, unclaimed plane containers (docker launcher)").register(meters);
    }

    private double count(String status) {
        int n = 0;
        for (String vmId : launcher.planes()) {
            PlaneLink link = registry.linkOfVm(vmId);
            String now = link == null || !link.isGreeted() ? "starting" : link.isPaused() ? "paused" : "running";
            n += now.equals(status) ? 1 : 0;
        }
        return n;
    }
}
