package io.chatgw.plane.launch.docker;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docker launcher's warm pool ({@code gateway.plane.docker.warm-pool-size}, default 0): containers started before
 * anyone needs them, each with a fresh volume of its own, its plane's JVM up and waiting for a claim
 * ({@code PLANE_CLAIM_FILE}; no user, no token yet). A new user's first message claims one ({@link DockerLauncher});
 * the pool is refilled in the background, one container at a time, from the configured image and settings. A member
 * that exits is dropped and replaced. Unclaimed members do not survive the gateway: its stop ends the refill, waits
 * for a create/start in progress (up to {@code gateway.plane.start-timeout}) and removes every member it started; one
 * still starting after that keeps its labels ({@code io.chatgw.deployment}, {@code io.chatgw.pool}) and the next
 * gateway of the deployment removes it at adoption. So none carries stale settings.
 */
final class WarmPool {

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    /** A started, unclaimed container. */
    record Member(String name, String volume, String containerId) {
    }

    private final int size;
    /** gateway.plane.stop-timeout, in seconds: what a member gets to exit when it is removed. */
    private final int stopSeconds;
    /** gateway.plane.start-timeout: how long the gateway's stop waits for a member's create/start in progress. */
    private final Duration startWait;
    private final String deployment;
    private final Function<String, PlaneContainer> memberOf;
    private final ProducerTemplate routes;
    private final ConcurrentLinkedDeque<Member> ready = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    /** Guards {@link #closed} against a started member being added: one added after the close would be left behind. */
    private final Object closing = new Object();
    private volatile boolean closed;
    private final Runnable claimed;
    /** gateway.plane.docker.warm-pool-refill-delay: a claim's replacement starts this long after it. */
    private final Duration refillDelay;
    private final ScheduledThreadPoolExecutor filler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "plane-warm-pool");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param memberOf the container of a member named so (DockerLauncher: image, env, binds, limits)
     * @param claimed  counts a claim (LaunchedPlanes)
     */
    WarmPool(int size, int stopSeconds, Duration startWait, String deployment, Function<String, PlaneContainer> memberOf,
             ProducerTemplate routes, Runnable claimed, Duration refillDelay) {
        this.size = size;
        this.stopSeconds = stopSeconds;
        this.startWait = startWait;
        this.deployment = deployment;
        this.memberOf = memberOf;
        this.routes = routes;
        this.claimed = claimed;
        this.refillDelay = refillDelay;
        filler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a refill still in its delay at the stop never runs
    }

    /** The name prefix of pool members (also their label io.chatgw.pool). */
    static String namePrefix(String deployment) {
        return "chatgw-" + PlaneContainer.safe(deployment) + "-pool-";
    }

    /**
     * A started member for a user's first message, or null if none is ready (a cold start then). Its replacement starts
     * after the refill delay, so that the new member's JVM start does not take the CPU the claimed plane's first turn
     * needs.
     */
    Member claim() {
        Member member = ready.pollFirst();
        if (member != null) {
            claimed.run();
            refill(refillDelay);
        } else {
            refill();
        }
        return member;
    }

    /** A container exited: if it was a member, it is dropped (its container and volume removed) and replaced. */
    void exited(String containerId) {
        for (Member m : ready) {
            if (m.containerId().equals(containerId) && ready.remove(m)) {
                discard(m);
                refill();
            }
        }
    }

    /**
     * The gateway stops (while its routes still run): no more refills; a member's create/start in progress is waited
     * for (not interrupted: an interrupted call could leave a container the pool does not know), then every unclaimed
     * member is removed with its volume (no user's data). One still starting after {@link #startWait} is left to the
     * refill, which removes it when its start returns, or, should the gateway be gone by then, to the next gateway's
     * adoption (it keeps its pool labels).
     */
    void close() {
        synchronized (closing) {
            closed = true;
        }
        filler.shutdown();
        try {
            if (!filler.awaitTermination(startWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("warm pool: a container start still runs after {} s; it is removed when it returns, else at the "
                        + "next start of a gateway of deployment {}", startWait.toSeconds(), deployment);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Member m = ready.pollFirst(); m != null; m = ready.pollFirst()) {
            discard(m);
        }
    }

    private void discard(Member m) {
        try {
            routes.sendBodyAndHeader("direct:plane-container-remove", m.containerId(), "CamelDockerTimeout", stopSeconds);
            routes.sendBody("direct:plane-volume-remove", m.volume());
        } catch (RuntimeException e) {
            log.warn("warm pool: could not remove {}: {}", m.name(), DockerLauncher.rootMessage(e));
        }
    }

    /** Starts members until the pool has {@code size}, in the background. */
    void refill() {
        refill(Duration.ZERO);
    }

    private void refill(Duration after) {
        if (size <= 0 || closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            filler.schedule(this::fill, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            refilling.set(false); // the gateway stops (close shut the filler down after the check above)
        }
    }

    private void fill() {
        boolean failed = false;
        try {
            while (ready.size() < size && !closed) {
                String name = namePrefix(deployment) + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
                PlaneContainer container = memberOf.apply(name);
                String id;
                try {
                    id = routes.requestBody("direct:plane-container-start", container, String.class);
                } catch (RuntimeException e) {
                    discard(new Member(name, container.volume(), name)); // created but not started, perhaps: by name
                    throw e;
                }
                Member member = new Member(name, container.volume(), id);
                boolean kept;
                synchronized (closing) {
                    kept = !closed && ready.offerLast(member);
                }
                if (!kept) {
                    discard(member); // started while the gateway stops: nobody would remove it
                    log.info("warm pool: removed {}, started while the gateway stops", name);
                    return;
                }
                log.info("warm pool: started {} ({} ready)", name, ready.size());
            }
        } catch (RuntimeException e) {
            failed = true; // the poll tries again (PollPlaneContainers)
            log.warn("warm pool: could not start a container: {}", DockerLauncher.rootMessage(e));
        } finally {
            refilling.set(false);
        }
        if (!failed && ready.size() < size) {
            refill(); // claimed while this fill was ending (its refill() found the flag still set)
        }
    }

    int size() {
        return ready.size();
    }
}
