package io.chatgw.plane.turns;

import io.chatgw.plane.launch.PlaneLauncher;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.PathUnavailable;
import io.chatgw.paths.StartPath;
import io.chatgw.turn.PathRun;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The {@code new} path: the user's execution plane answers. Without a live plane the launcher is asked for
 * one and the run waits (up to {@code gateway.plane.start-timeout}) for its hello, else {@code vm_unavailable}; a plane
 * paused for being idle is unpaused first ({@link io.chatgw.plane.launch.IdlePlanes}).
 * The plane's events reach the relay through {@link RelayPlaneEvent}; the run ends when the plane says
 * done/error. A cancelled run is cancelled on the plane too.
 */
@Component("runOnPlane")
public class RunOnPlane extends StartPath {

    private final PlaneRegistry registry;
    private final PlaneTurns turns;
    private final PlaneLauncher launcher;
    private final io.chatgw.plane.launch.LaunchedPlanes launched;
    private final PlaneProperties config;
    private final io.chatgw.plane.launch.IdlePlanes idle;

    public RunOnPlane(PlaneRegistry registry, PlaneTurns turns, PlaneLauncher launcher,
                      io.chatgw.plane.launch.LaunchedPlanes launched, PlaneProperties config,
                      io.chatgw.plane.launch.IdlePlanes idle) {
        this.idle = idle;
        this.registry = registry;
        this.turns = turns;
        this.launcher = launcher;
        this.launched = launched;
        this.config = config;
    }

    @Override
    protected ExecutionMode mode() {
        return ExecutionMode.NEW;
    }

    /** Waiting for a plane to start counts towards the first event. */
    @Override
    protected Duration firstEventTimeout() {
        return config.startTimeout().plus(config.firstEventTimeout());
    }

    @Override
    protected void start(PathRun run) {
        String userId = run.turn().caller().userId();
        idle.wake(userId); // a plane paused for being idle is unpaused before it gets the turn
        // a plane that is away but within its reconnect grace is waited for, not replaced
        if (!registry.hasPlane(userId)) {
            String refusal = launched.refusal(userId);
            if (refusal != null) {
                throw new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE, refusal);
            }
            try {
                launcher.start(userId, run.turn().caller().orgId());
            } catch (RuntimeException e) {
                throw new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE,
                        "cannot start an execution plane: " + e.getMessage());
            }
        }
        registry.awaitPlane(userId, config.startTimeout()).onComplete(ar -> {
            if (ar.failed()) {
                run.fail(ar.cause());
                return;
            }
            if (run.end().isDone()) {
                return; // given up on meanwhile (first-event wait over, client gone)
            }
            PlaneLink link = ar.result();
            String sessionId = run.turn().session().id().toString();
            String requestId = run.turn().requestId().toString();
            run.onCancel(() -> turns.cancelTurn(link, sessionId, requestId));
            try {
                turns.startTurn(link, run, run.turn().history(), failure -> {
                    if (failure == null) {
                        run.succeed();
                    } else {
                        run.fail(failure);
                    }
                });
            } catch (RuntimeException e) {
                run.fail(e);
            }
        });
    }
}
