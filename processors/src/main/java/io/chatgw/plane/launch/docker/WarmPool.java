package io.chatgw.plane.launch.docker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final String deployment;
    private final Function<String, PlaneContainer> memberOf;
    private final ProducerTemplate routes;
    private final ConcurrentLinkedDeque<Member> ready = new ConcurrentLinkedDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final Counter claims;
    private final ExecutorService filler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "plane-warm-pool");
        t.setDaemon(true);
        return t;
    });

    /** @param memberOf the container of a member named so (DockerLauncher: image, env, binds, limits) */
    WarmPool(int size, String deployment, Function<String, PlaneContainer> memberOf, ProducerTemplate routes,
             MeterRegistry meters) {
        this.size = size;
        this.deployment = deployment;
        this.memberOf = memberOf;
        this.routes = routes;
        Gauge.builder("gateway.plane.warm.pool.size", ready, java.util.Collection::size)
                .description("started, unclaimed plane containers").register(meters);
        this.claims = Counter.builder("gateway.plane.warm.pool.claims").description("first messages served by a warm container")
                .register(meters);
    }

    /** The name prefix of pool members (also their label io.chatgw.pool). */
    static String namePrefix(String deployment) {
        return "chatgw-" + PlaneContainer.safe(deployment) + "-pool-";
    }

    /** A started member for a user's first message, or null if none is ready (a cold start then). */
    Member claim() {
        Member member = ready.pollFirst();
        if (member != null) {
            claims.increment();
        }
        refill();
        return member;
    }

    /** A container exited: if it was a member, it is dropped and replaced. */
    void exited(String containerId) {
        if (ready.removeIf(m -> m.containerId().equals(containerId))) {
            refill();
        }
    }

    /** Starts members until the pool has {@code size}, in the background. */
    void refill() {
        if (size <= 0 || !refilling.compareAndSet(false, true)) {
            return;
        }
        filler.execute(() -> {
            try {
                while (ready.size() < size) {
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
