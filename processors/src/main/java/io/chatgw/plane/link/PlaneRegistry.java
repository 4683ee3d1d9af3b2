package io.chatgw.plane.link;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.turns.PlaneTurn;
import io.chatgw.plane.turns.PlaneTurns;
import io.chatgw.plane.socket.VmTokens;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.PathUnavailable;
import io.chatgw.resilience.FallbackTargets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The planes the gateway knows, by vm_id and by user: connection admission and replacement, the reconnect
 * grace period, declaring a plane dead, and waiting for a user's plane to say hello.
 * Where the other concerns live: {@link PlaneGreeting} (hello/welcome, redelivery), {@link PlaneTurns}
 * (the turns each plane runs), {@link PlaneSender} (outgoing frames, held frames), {@link PlaneHeartbeat}
 * (pings, liveness, silent turns) and {@link PlaneTokenRefresh} (fresh VM tokens).
 * The frame-level protocol is in docs/protocol.md.
 */
@Component
public class PlaneRegistry {

    private static final Logger log = LoggerFactory.getLogger(PlaneRegistry.class);

    private final Map<String, PlaneLink> byVm = new ConcurrentHashMap<>();
    private final Map<String, String> vmByUser = new ConcurrentHashMap<>();
    private final Map<String, List<Promise<PlaneLink>>> waiting = new ConcurrentHashMap<>();
    /** Users whose plane exited before its hello, until their next start: why. */
    private final Map<String, String> notComing = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final PlaneProperties config;
    private final List<Consumer<PlaneLink>> onDead = new ArrayList<>();
    private final List<Consumer<PlaneLink>> onGreeted = new CopyOnWriteArrayList<>();
    /** The new path has a fallback: a turn whose plane drops before its first event fails at once and falls back. */
    private final boolean failUnstartedOnDisconnect;

    @org.springframework.beans.factory.annotation.Autowired
    public PlaneRegistry(Vertx vertx, PlaneProperties config, MeterRegistry meters, FallbackTargets fallbacks) {
        this(vertx, config, meters, fallbacks.of(ExecutionMode.NEW).isPresent());
    }

    PlaneRegistry(Vertx vertx, PlaneProperties config, MeterRegistry meters, boolean failUnstartedOnDisconnect) {
        this.vertx = vertx;
        this.config = config;
        this.failUnstartedOnDisconnect = failUnstartedOnDisconnect;
        Gauge.builder("gateway.plane.connected", byVm, m -> m.values().stream().filter(PlaneLink::isLive).count())
                .description("execution planes connected and greeted").register(meters);
    }

    /** Runs when a plane is declared dead (the launcher notes it). */
    public void whenDead(Consumer<PlaneLink> listener) {
        onDead.add(listener);
    }

    /** Runs when a plane said hello (the launcher's start deadline and latency). */
    public void whenGreeted(Consumer<PlaneLink> listener) {
        onGreeted.add(listener);
    }

    /** Every plane known, connected or away. */
    public Collection<PlaneLink> links() {
        return byVm.values();
    }

    /**
     * Admits a connection for a verified VM identity whose vm_id is the user's. A previous connection of the
     * same vm_id is closed (4000) and from now on ignored. @return the link, or null if a plane of another
     * user holds this vm_id.
     */
    public PlaneLink attach(VmTokens.VmIdentity id, PlaneConnection connection) {
        PlaneLink link = byVm.computeIfAbsent(id.vmId(),
                vm -> new PlaneLink(vm, id.userId(), id.orgId(), config.holdMax(), config.holdTtl(),
                        new io.chatgw.plane.socket.FloodGuard(config)));
        if (!link.userId().equals(id.userId())) {
            return null;
        }
        PlaneConnection replaced = link.attach(connection);
        if (replaced != null && replaced.socket() != connection.socket()) {
            replaced.socket().close((short) 4000, "replaced by a newer connection");
        }
        String previousVm = vmByUser.put(link.userId(), link.vmId());
        if (previousVm != null && !previousVm.equals(link.vmId())) {
            PlaneLink previous = byVm.get(previousVm);
            if (previous != null) {
                declareDead(previous, "another plane of this user took over");
            }
        }
        return link;
    }

    /**
     * The socket closed (or was replaced): running turns wait for the plane to come back, within the grace
     * period, and are redelivered or resumed then. If the new path has a fallback, turns with no event yet wait without
     * a word for {@code gateway.plane.crash-detect-wait}: if the plane's launcher reports its exit meanwhile (the
     * socket often closes a moment before the engine's die event), a replacement resumes them ({@link #recover});
     * otherwise they fail then (vm_unavailable) and fall back to another path rather than wait (docs/resilience.md).
     */
    public void detach(PlaneLink link, PlaneConnection connection) {
        PlaneLink.Departure away = link.detach(connection);
        if (away == null) {
            return;
        }
        link.awayUntil(vertx.setTimer(config.reconnectGrace().toMillis(), id -> {
            if (link.stillAway(id)) {
                declareDead(link, "did not reconnect within " + config.reconnectGrace().toSeconds() + " s");
            }
        }));
        if (failUnstartedOnDisconnect) {
            vertx.setTimer(Math.max(1, config.crashDetectWait().toMillis()), id -> {
                for (PlaneTurn t : link.dropUnstartedWhileAway()) {
                    t.end(new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE,
                            "the execution plane disconnected before its first event"));
                }
            });
        }
        for (PlaneTurn t : away.waiting()) {
            if (t.hasEvents() || !failUnstartedOnDisconnect) {
                t.publishStatus("reconnecting");
            }
        }
        log.info("plane {} of user {} disconnected; {} running turn(s) wait for it", link.vmId(), link.userId(), away.waiting().size());
    }

    /**
     * The plane crashed and a replacement is being started on its data: it is away (its socket, if still open, is
     * closed), its running turns tell their clients {@code recovering} and wait for the replacement's hello, which
     * resumes them (docs/protocol.md "Recovery"); turns with no event yet wait without a word, so that if the
     * replacement is not in time for their first-event timeout the new path's fallback still applies.
     * No hello {@code within} and the plane is declared dead. @return false if the plane is dead already
     */
    public boolean recover(PlaneLink link, String why, Duration within) {
        ServerWebSocket socket = link.socket();
        PlaneLink.Departure away = link.away(true);
        if (away == null) {
            return false;
        }
        if (socket != null) {
            socket.close((short) 1001, PlaneConnection.closeReason("the plane crashed: " + why));
        }
        link.awayUntil(vertx.setTimer(within.toMillis(), id -> {
            if (link.stillAway(id)) {
                declareDead(link, "its replacement said no hello within " + within.toSeconds() + " s (" + why + ")");
            }
        }));
        for (PlaneTurn t : away.waiting()) {
            if (t.hasEvents()) {
                t.publishStatus("recovering");
            } // a turn with no event yet waits silently: past its first-event timeout the path's fallback applies
        }
        log.warn("plane {} of user {} crashed ({}); {} running turn(s) wait for its replacement", link.vmId(), link.userId(),
                why, away.waiting().size());
        return true;
    }

    /** The plane is gone for good: its running turns fail with vm_unavailable, held frames are dropped. */
    public void declareDead(PlaneLink link, String why) {
        PlaneLink.Death death = link.kill();
        if (death == null) {
            return;
        }
        vmByUser.remove(link.userId(), link.vmId());
        byVm.remove(link.vmId(), link);
        if (death.socket() != null) {
            death.socket().close((short) 1001, PlaneConnection.closeReason("declared dead: " + why));
        }
        log.warn("plane {} of user {} declared dead ({}); failing {} running turn(s)", link.vmId(), link.userId(), why,
                death.failed().size());
        for (PlaneTurn t : death.failed()) {
            t.end(new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE, "the execution plane is gone: " + why));
        }
        // the listeners write PostgreSQL and stop the plane's process or container: never on an event loop (a slow
        // database held the heartbeat's loop, and every upstream stream on it, for Hikari's connection timeout)
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            vertx.executeBlocking(() -> {
                tellDead(link);
                return null;
            }, false);
        } else {
            tellDead(link);
        }
    }

    private void tellDead(PlaneLink link) {
        for (Consumer<PlaneLink> listener : onDead) {
            try {
                listener.accept(link);
            } catch (RuntimeException e) { // one listener's failure (the database down) does not skip the others
                log.warn("plane {}: handling its death failed: {}", link.vmId(), e.toString());
            }
        }
    }

    /** The user's live plane, or one that says hello within {@code timeout}. */
    public Future<PlaneLink> awaitPlane(String userId, Duration timeout) {
        PlaneLink live = liveLink(userId);
        if (live != null) {
            return Future.succeededFuture(live);
        }
        Promise<PlaneLink> promise = Promise.promise();
        waiting.computeIfAbsent(userId, u -> new CopyOnWriteArrayList<>()).add(promise);
        live = liveLink(userId); // it may have said hello in between
        String gone = notComing.get(userId); // or exited before it
        if (live != null) {
            promise.tryComplete(live);
        } else if (gone != null) {
            promise.tryFail(notComing(gone));
        }
        long timer = vertx.setTimer(timeout.toMillis(), id -> promise.tryFail(new PathUnavailable("vm_unavailable",
                PathUnavailable.PLANE_UNAVAILABLE, "no execution plane said hello within " + timeout.toSeconds() + " s")));
        return promise.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            List<Promise<PlaneLink>> list = waiting.get(userId);
            if (list != null) {
                list.remove(promise);
            }
        });
    }

    /**
     * The user's plane will not say hello (it exited before): whoever waits for it gets {@code vm_unavailable} now, with
     * {@code why}, instead of at the start timeout; so does whoever starts waiting before the user's next start
     * ({@link #planeComing}), as a turn whose start call returned just after the exit.
     */
    public void noPlaneComing(String userId, String why) {
        notComing.put(userId, why);
        List<Promise<PlaneLink>> waiters = waiting.remove(userId);
        if (waiters != null) {
            waiters.forEach(p -> p.tryFail(notComing(why)));
        }
    }

    /** A plane of the user's is being started: it may say hello. */
    public void planeComing(String userId) {
        notComing.remove(userId);
    }

    private static PathUnavailable notComing(String why) {
        return new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE, why);
    }

    /** The plane said hello: whoever waits for its user's plane gets it. */
    void greeted(PlaneLink link) {
        List<Promise<PlaneLink>> waiters = waiting.remove(link.userId());
        if (waiters != null) {
            waiters.forEach(p -> p.tryComplete(link));
        }
        onGreeted.forEach(l -> l.accept(link));
    }

    public PlaneLink liveLink(String userId) {
        PlaneLink link = linkOfUser(userId);
        return link != null && link.isLive() ? link : null;
    }

    /** The user has a plane that is connected, or away but not declared dead. */
    public boolean hasPlane(String userId) {
        PlaneLink link = linkOfUser(userId);
        if (link == null) {
            return false;
        }
        return !link.isDead();
    }

    public PlaneLink linkOfVm(String vmId) {
        return byVm.get(vmId);
    }

    private PlaneLink linkOfUser(String userId) {
        String vm = vmByUser.get(userId);
        return vm == null ? null : byVm.get(vm);
    }
}
