package io.chatgw.plane.launch;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway follows of the planes its launcher starts, whatever the launcher: the start deadline
 * ({@code gateway.plane.start-timeout}: no hello by then, the plane is stopped and its row terminated with the reason;
 * the turns waiting for it get vm_unavailable or fall back), the start latency (start to hello), and exits nobody asked
 * for (a crash: recorded with its cause, the row terminated, and the plane declared dead so its turns end now instead of
 * after the reconnect grace; one that crashes before its hello fails the turns waiting for it at once). A plane that
 * crashes {@code crash-loop-crashes} times within {@code crash-loop-window} is not started again until
 * {@code crash-loop-backoff} after its last crash.
 */
public class LaunchedPlanes {

    private static final Logger log = LoggerFactory.getLogger(LaunchedPlanes.class);
    /** Causes of a crash, the only values of the metric's tag. */
    static final Set<String> CAUSES = Set.of("exited", "oom", "killed", "heartbeat", "inspect");
    /** Why launched planes are removed: the only values of the removals metric's tag. */
    static final Set<String> REMOVAL_REASONS = Set.of("idle", "admin", "crashed", "stopped", "orphan");

    private record Start(String vmId, long atNanos, boolean warm) {
    }

    private final PlaneRegistry registry;
    private final PlaneInstances instances;
    private final PlaneProperties config;
    private final MeterRegistry meters;
    private final Map<String, Start> starting = new ConcurrentHashMap<>();
    /** Per user, when its launched planes crashed (within the crash-loop window). */
    private final Map<String, java.util.Deque<Long>> crashes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plane-start-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final Counter claims;
    private final Timer coldStartLatency;
    private final Timer warmStartLatency;
    private final Timer recoveryTime;
    /** Users whose crashed plane's replacement is starting: since when (the crash's detection). */
    private final Map<String, Long> recovering = new ConcurrentHashMap<>();
    private volatile PlaneLauncher launcher;

    public LaunchedPlanes(PlaneRegistry registry, PlaneInstances instances, PlaneProperties config, MeterRegistry meters) {
        this.registry = registry;
        this.instances = instances;
        this.config = config;
        this.meters = meters;
        this.coldStartLatency = startLatency("cold", meters);
        this.warmStartLatency = startLatency("warm", meters);
        this.recoveryTime = Timer.builder("gateway.plane.recovery.time")
                .description("crash detected to the replacement's hello (its turns resume then)")
                .publishPercentileHistogram().register(meters);
        // every series at 0 from the start: an alert's increase() then counts the first crash/recovery/start too
        CAUSES.forEach(cause -> crashCounter(cause));
        REMOVAL_REASONS.forEach(reason -> removalCounter(reason));
        this.claims = Counter.builder("gateway.plane.warm.pool.claims").description("first messages served by a warm-pool container")
                .register(meters);
        java.util.List.of("resumed", "failed", "crash_loop").forEach(o -> recoveryCounter(o));
        java.util.List.of("hello", "timeout", "failed").forEach(o -> startCounter(o));
        registry.whenGreeted(this::greeted);
        registry.whenDead(link -> {
            if (recovering.remove(link.userId()) != null) {
                recovery("failed");
            }
        });
    }

    /** The launcher that stops a plane past its start deadline. */
    public void stoppedBy(PlaneLauncher launcher) {
        this.launcher = launcher;
    }

    private static Timer startLatency(String from, MeterRegistry meters) {
        return Timer.builder("gateway.plane.start.latency").description("launched planes: start (or warm-pool claim) to hello")
                .tag("from", from).publishPercentileHistogram().register(meters);
    }

    /** A launcher started the user's plane: it has until the start timeout to say hello. */
    public void started(String userId, String vmId) {
        started(userId, vmId, false);
    }

    /** As {@link #started(String, String)}; {@code warm}: a warm-pool container was claimed instead. */
    public void started(String userId, String vmId, boolean warm) {
        Start start = new Start(vmId, System.nanoTime(), warm);
        registry.planeComing(userId);
        starting.put(userId, start);
        Duration timeout = config.startTimeout();
        timers.schedule(() -> {
            if (starting.remove(userId, start)) {
                String reason = "no hello within " + timeout.toSeconds() + " s of its start";
                log.warn("plane {} of user {}: {}; stopping it", vmId, userId, reason);
                outcome("timeout");
                PlaneLauncher l = launcher;
                if (l != null) {
                    l.stop(userId, vmId, reason);
                }
                instances.terminated(vmId, reason);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the user's plane may be started now. @return null if so, otherwise why not (a crash loop: the user's next
     * message after the backoff tries again)
     */
    public String refusal(String userId) {
        java.util.Deque<Long> times = crashes.get(userId);
        if (times == null) {
            return null;
        }
        long now = System.nanoTime();
        synchronized (times) {
            times.removeIf(t -> now - t > config.crashLoopWindow().toNanos());
            if (times.size() < config.crashLoopCrashes()) {
                return null;
            }
            long waitNanos = config.crashLoopBackoff().toNanos() - (now - times.peekLast());
            if (waitNanos <= 0) {
                times.clear(); // backed off: the next crash loop starts counting anew
                return null;
            }
            return "the execution plane crashed " + times.size() + " times within " + config.crashLoopWindow().toSeconds()
                    + " s; the next try is in " + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos)) + " s";
        }
    }

    /** A launcher could not start the plane. */
    public void failed(String userId, String vmId, String reason) {
        starting.remove(userId);
        outcome("failed");
        instances.terminated(vmId, reason);
    }

    private void greeted(PlaneLink link) {
        Long crashedAt = recovering.remove(link.userId());
        if (crashedAt != null) {
            recoveryTime.record(System.nanoTime() - crashedAt, TimeUnit.NANOSECONDS);
            recovery("resumed");
        }
        Start start = starting.remove(link.userId());
        if (start != null && start.vmId().equals(link.vmId())) {
            (start.warm() ? warmStartLatency : coldStartLatency).record(System.nanoTime() - start.atNanos(), TimeUnit.NANOSECONDS);
            outcome("hello");
        }
    }

    /**
     * A launched plane exited though nobody asked it to. @param cause one of {@link #CAUSES}
     */
    public void exited(String userId, String vmId, String cause, String detail) {
        String tag = CAUSES.contains(cause) ? cause : "exited";
        crashCounter(tag).increment();
        starting.remove(userId);
        java.util.Deque<Long> times = crashes.computeIfAbsent(userId, u -> new java.util.ArrayDeque<>());
        synchronized (times) {
            times.addLast(System.nanoTime());
            while (times.size() > config.crashLoopCrashes()) {
                times.removeFirst();
            }
        }
        log.warn("plane {} of user {} crashed ({}): {}", vmId, userId, tag, detail);
        instances.terminated(vmId, "crashed (" + tag + "): " + detail);
        PlaneLink link = registry.linkOfVm(vmId);
        String refusal = refusal(userId);
        if (link == null) {
            // it crashed before its hello: the turns waiting for it end now (vm_unavailable, or fall back)
            registry.noPlaneComing(userId, "the execution plane exited before its hello: " + detail
                    + (refusal == null ? "" : "; " + refusal));
            return;
        }
        PlaneLauncher l = launcher;
        if (refusal != null || l == null || !link.hasTurns()) {
            // nothing to resume (the next message starts a fresh plane), or a crash loop: its turns end now
            if (refusal != null) {
                recovery("crash_loop");
            }
            registry.declareDead(link, "it crashed: " + detail + (refusal == null ? "" : "; " + refusal));
            return;
        }
        if (!registry.recover(link, detail, config.startTimeout())) {
            return;
        }
        recovering.put(userId, System.nanoTime());
        try {
            l.start(userId, link.orgId()); // on the same data (directory / named volume): it resumes the turns
        } catch (RuntimeException e) {
            recovering.remove(userId);
            recovery("failed");
            registry.declareDead(link, "its replacement could not be started: " + e.getMessage());
        }
    }

    /** A new user's plane came from the warm pool. */
    public void claimed() {
        claims.increment();
    }

    /** A launched plane was stopped and removed (its data kept). @param reason one of {@link #REMOVAL_REASONS} */
    public void removed(String reason) {
        removalCounter(REMOVAL_REASONS.contains(reason) ? reason : "stopped").increment();
    }

    /** The removal reason of a stop's reason text: idle / admin stops say so first. */
    public static String removalReason(String stopReason) {
        return stopReason.startsWith("idle") ? "idle" : stopReason.startsWith("admin") ? "admin" : "stopped";
    }

    private Counter removalCounter(String reason) {
        return Counter.builder("gateway.plane.removals").description("launched planes stopped and removed, by reason (data kept)")
                .tag("reason", reason).register(meters);
    }

    private void recovery(String outcome) {
        recoveryCounter(outcome).increment();
    }

    private void outcome(String outcome) {
        startCounter(outcome).increment();
    }

    private Counter crashCounter(String cause) {
        return Counter.builder("gateway.plane.crashes").description("launched planes that exited unasked, by cause")
                .tag("cause", cause).register(meters);
    }

    private Counter recoveryCounter(String outcome) {
        return Counter.builder("gateway.plane.recoveries").description("crashed planes' turns: resumed by a replacement, or not")
                .tag("outcome", outcome).register(meters);
    }

    private Counter startCounter(String outcome) {
        return Counter.builder("gateway.plane.starts").description("plane starts by outcome (hello, timeout, failed)")
                .tag("outcome", outcome).register(meters);
    }
}
