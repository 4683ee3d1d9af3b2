package io.chatgw.plane.launch.docker;

import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * that exits is dropped and replaced. Unclaimed members do not survive a gateway restart (removed at adoption, then
 * refilled), so none carries stale settings.
 */
final class WarmPool {

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    /** A started, unclaimed container. */
    record Member(String name, String volume, String containerId) {
    }

    private final int size;
    /** gateway.plane.stop-timeout, in seconds: what a member gets to exit when it is removed. */
    private final int stopSeconds;
    private final String deployment;
    private final Function<String, PlaneContainer> memberOf;
    private final ProducerTemplate routes;
    private final ConcurrentLinkedDeque<Member> ready = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private volatile boolean closed;
    private final Runnable claimed;
    private final ExecutorService filler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "plane-warm-pool");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param memberOf the container of a member named so (DockerLauncher: image, env, binds, limits)
     * @param claimed  counts a claim (LaunchedPlanes)
     */
    WarmPool(int size, int stopSeconds, String deployment, Function<String, PlaneContainer> memberOf, ProducerTemplate routes,
             Runnable claimed) {
        this.size = size;
        this.stopSeconds = stopSeconds;
        this.deployment = deployment;
        this.memberOf = memberOf;
        this.routes = routes;
        this.claimed = claimed;
    }

    /** The name prefix of pool members (also their label io.chatgw.pool). */
    static String namePrefix(String deployment) {
        return "chatgw-" + PlaneContainer.safe(deployment) + "-pool-";
    }

    /** A started member for a user's first message, or null if none is ready (a cold start then). */
    Member claim() {
        Member member = ready.pollFirst();
        if (member != null) {
            claimed.run();
        }
        refill();
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

    /** The gateway stops: no more refills; the unclaimed members are removed with their volumes (no user's data). */
    void close() {
        closed = true;
        filler.shutdownNow();
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
        if (size <= 0 || closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        filler.execute(() -> {
            try {
                while (ready.size() < size && !closed) {
                    String name = namePrefix(deployment) + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
                    PlaneContainer container = memberOf.apply(name);
                    String id = routes.requestBody("direct:plane-container-start", container, String.class);
                    ready.addLast(new Member(name, container.volume(), id));
                    log.info("warm pool: started {} ({} ready)", name, ready.size());
                }
            } catch (RuntimeException e) {
                log.warn("warm pool: could not start a container: {}", DockerLauncher.rootMessage(e));
            } finally {
                refilling.set(false);
            }
        });
    }

    int size() {
        return ready.size();
    }
}
