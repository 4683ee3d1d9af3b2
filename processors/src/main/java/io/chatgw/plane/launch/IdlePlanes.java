package io.chatgw.plane.launch;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Idle launched planes (route plane-idle, every {@code gateway.plane.idle-check-interval}). Idle means nothing to do:
 * no turn in flight (a busy plane is never idle, however silent) and no frame but pongs. Idle for
 * {@code idle-pause}: paused by its launcher (docker pause; the row says {@code frozen}), and unpaused when its user's
 * next message arrives ({@link #wake}, before the turn is handed over). Idle for {@code idle-stop}: stopped and
 * removed, its data (volume) kept; the next message starts a fresh plane on it. Pausing and waking are serialized, so
 * a message never finds a plane that a pause is still freezing. Also the admin stop of a user's plane.
 */
@Component
public class IdlePlanes {

    private static final Logger log = LoggerFactory.getLogger(IdlePlanes.class);

    private final PlaneRegistry registry;
    private final PlaneLauncher launcher;
    private final PlaneInstances instances;
    private final PlaneProperties config;
    private final Counter pauses;
    private final Counter unpauses;
    private final Timer unpauseLatency;

    public IdlePlanes(PlaneRegistry registry, PlaneLauncher launcher, PlaneInstances instances, PlaneProperties config,
                      MeterRegistry meters) {
        this.registry = registry;
        this.launcher = launcher;
        this.instances = instances;
        this.config = config;
        this.pauses = Counter.builder("gateway.plane.pauses").description("idle planes paused").register(meters);
        this.unpauses = Counter.builder("gateway.plane.unpauses").description("paused planes woken by a message")
                .register(meters);
        this.unpauseLatency = Timer.builder("gateway.plane.unpause.latency").description("a paused plane's unpause call")
                .publishPercentileHistogram().register(meters);
    }

    /** One pass: idle planes are paused, or stopped if idle past idle-stop. */
    public void check() {
        long now = System.nanoTime();
        for (PlaneLink link : registry.links()) {
            long idle = link.idleNanos(now);
            if (idle < 0 || !link.isGreeted() && !link.isPaused()) {
                continue; // busy, dead, or not (yet) here
            }
            if (!config.idleStop().isZero() && idle >= config.idleStop().toNanos()) {
                stop(link, "idle for " + config.idleStop().toSeconds() + " s");
            } else if (!config.idlePause().isZero() && idle >= config.idlePause().toNanos() && !link.isPaused()) {
                pause(link);
            }
        }
    }

    /** The user's next message: a paused plane is unpaused first (its row says running again). */
    public synchronized void wake(String userId) {
        PlaneLink link = registry.liveLink(userId);
        if (link == null || !link.isPaused()) {
            return;
        }
        long start = System.nanoTime();
        try {
            launcher.unpause(userId, link.vmId());
        } catch (RuntimeException e) {
            log.warn("plane {} of user {} could not be unpaused ({}); it is replaced", link.vmId(), userId, e.getMessage());
            stop(link, "could not be unpaused: " + e.getMessage());
            return;
        }
        unpauseLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (link.markUnpaused()) {
            unpauses.increment();
            instances.transition(userId, link.orgId(), link.vmId(), "running", null);
            log.info("plane {} of user {} unpaused for a message", link.vmId(), userId);
        }
    }

    /** Stops the user's plane (admin): removed, its data kept. @return whether the user had one */
    public boolean stopOf(String userId, String why) {
        PlaneLink link = registry.liveLink(userId);
        if (link == null) {
            return false;
        }
        stop(link, why);
        return true;
    }

    private synchronized void pause(PlaneLink link) {
        if (!launcher.pause(link.userId(), link.vmId())) {
            return; // this launcher does not pause (or could not): the plane stays up until idle-stop
        }
        if (!link.markPaused()) { // it got a turn while being paused (its wake found it not paused yet): thawed now
            try {
                launcher.unpause(link.userId(), link.vmId());
            } catch (RuntimeException e) {
                stop(link, "could not be unpaused: " + e.getMessage());
            }
            return;
        }
        pauses.increment();
        instances.transition(link.userId(), link.orgId(), link.vmId(), "frozen", null);
        log.info("plane {} of user {} paused: idle for {} s", link.vmId(), link.userId(), config.idlePause().toSeconds());
    }

    private synchronized void stop(PlaneLink link, String why) {
        log.info("stopping plane {} of user {}: {}", link.vmId(), link.userId(), why);
        if (link.isPaused()) {
            try {
                launcher.unpause(link.userId(), link.vmId()); // a frozen process would not see its stop signal
            } catch (RuntimeException e) {
                log.debug("plane {} could not be unpaused before its stop: {}", link.vmId(), e.getMessage());
            }
        }
        launcher.stop(link.userId(), link.vmId(), why); // before it is declared dead: the removal says why
        instances.terminated(link.vmId(), "stopped: " + why);
        registry.declareDead(link, why);
    }
}
