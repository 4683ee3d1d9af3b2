package io.chatgw.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.Turn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The planes the gateway knows, by vm_id and by user: connection admission and replacement, hello/welcome
 * and redelivery, heartbeats, the reconnect grace period, and the turns each plane runs.
 * The frame-level protocol is in docs/protocol.md.
 */
@Component
public class PlaneRegistry {

    private static final Logger log = LoggerFactory.getLogger(PlaneRegistry.class);

    private final Map<String, PlaneLink> byVm = new ConcurrentHashMap<>();
    private final Map<String, String> vmByUser = new ConcurrentHashMap<>();
    private final Map<String, List<Promise<PlaneLink>>> waiting = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final ObjectMapper json;
    private final PlaneProperties config;
    private final MeterRegistry meters;
    private final VmTokens tokens;
    private final Counter reconnects;
    private final Counter missedHeartbeats;
    private final List<Consumer<PlaneLink>> onDead = new ArrayList<>();

    public PlaneRegistry(Vertx vertx, ObjectMapper json, PlaneProperties config, MeterRegistry meters, VmTokens tokens) {
        this.vertx = vertx;
        this.json = json;
        this.config = config;
        this.meters = meters;
        this.tokens = tokens;
        Gauge.builder("gateway.plane.connected", byVm, m -> m.values().stream().filter(PlaneLink::isLive).count())
                .description("execution planes connected and greeted").register(meters);
        this.reconnects = Counter.builder("gateway.plane.reconnects").description("planes that came back after a disconnect")
                .register(meters);
        this.missedHeartbeats = Counter.builder("gateway.plane.heartbeats.missed").description("pings left unanswered")
                .register(meters);
        vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat());
    }

    /** Runs when a plane is declared dead (the launcher notes it). */
    public void whenDead(Consumer<PlaneLink> listener) {
        onDead.add(listener);
    }

    // ---- connections -------------------------------------------------------------------------------

    /**
     * Admits a connection for a verified VM identity whose vm_id is the user's. A previous connection of the
     * same vm_id is closed (4000) and from now on ignored. @return the link, or null if a plane of another
     * user holds this vm_id.
     */
    PlaneLink attach(VmTokens.VmIdentity id, PlaneConnection connection) {
        PlaneLink link = byVm.computeIfAbsent(id.vmId(), vm -> new PlaneLink(vm, id.userId(), id.orgId()));
        if (!link.userId.equals(id.userId())) {
            return null;
        }
        ServerWebSocket replaced;
        synchronized (link) {
            replaced = link.socket;
            link.connection = connection;
            link.socket = connection.socket;
            connection.generation = ++link.generation;
            connection.link = link;
            link.greeted = false;
            link.dead = false;
            link.missedPongs = 0;
            link.badFramesInARow = 0;
            link.framesInWindow = 0;
        }
        if (replaced != null && replaced != connection.socket) {
            replaced.close((short) 4000, "replaced by a newer connection");
        }
        String previousVm = vmByUser.put(link.userId, link.vmId);
        if (previousVm != null && !previousVm.equals(link.vmId)) {
            PlaneLink previous = byVm.get(previousVm);
            if (previous != null) {
                declareDead(previous, "another plane of this user took over");
            }
        }
        return link;
    }

    /** The socket closed (or was replaced): running turns wait for the plane to come back, within the grace period. */
    void detach(PlaneLink link, PlaneConnection connection) {
        List<PlaneTurn> waitingTurns;
        synchronized (link) {
            if (!link.isCurrent(connection)) {
                return; // an old, replaced connection
            }
            link.socket = null;
            link.connection = null;
            link.greeted = false;
            if (link.dead) {
                return;
            }
            waitingTurns = new ArrayList<>(link.turns.values());
            waitingTurns.forEach(t -> t.reconnecting = true);
            link.graceTimer = vertx.setTimer(config.reconnectGrace().toMillis(), id -> {
                synchronized (link) {
                    if (link.graceTimer != id || link.socket != null) {
                        return;
                    }
                }
                declareDead(link, "did not reconnect within " + config.reconnectGrace().toSeconds() + " s");
            });
        }
        for (PlaneTurn t : waitingTurns) {
            publishStatus(t, "reconnecting");
        }
        log.info("plane {} of user {} disconnected; {} running turn(s) wait for it", link.vmId, link.userId, waitingTurns.size());
    }

    /** The plane is gone for good: its running turns fail with vm_unavailable, held frames are dropped. */
    public void declareDead(PlaneLink link, String why) {
        List<PlaneTurn> failed;
        ServerWebSocket socket;
        synchronized (link) {
            if (link.dead) {
                return;
            }
            link.dead = true;
            failed = new ArrayList<>(link.turns.values());
            link.turns.clear();
            link.heldDownlink.clear();
            link.heldResponses.clear();
            socket = link.socket;
            link.socket = null;
            link.connection = null;
            link.greeted = false;
        }
        vmByUser.remove(link.userId, link.vmId);
        byVm.remove(link.vmId, link);
        if (socket != null) {
            socket.close((short) 1001, truncate("declared dead: " + why));
        }
        log.warn("plane {} of user {} declared dead ({}); failing {} running turn(s)", link.vmId, link.userId, why, failed.size());
        for (PlaneTurn t : failed) {
            t.end(GatewayException.upstream("vm_unavailable", "the execution plane is gone: " + why));
        }
        onDead.forEach(l -> l.accept(link));
    }

    /** hello: welcome the plane (with a fresh VM token), redeliver what was held for it, resume its turns. */
    void greet(PlaneLink link, PlaneConnection connection, JsonNode hello) {
        long lastDownlink = hello.path("resume").path("last_downlink_seq").asLong(0);
        List<String> frames = new ArrayList<>();
        List<PlaneTurn> resumed = new ArrayList<>();
        boolean wasAway;
        String freshToken = tokens.issue(link.userId, link.orgId, link.vmId);
        synchronized (link) {
            if (!link.isCurrent(connection) || link.dead) {
                return; // a replaced connection's late hello
            }
            wasAway = link.graceTimer >= 0;
            if (link.graceTimer >= 0) {
                vertx.cancelTimer(link.graceTimer);
                link.graceTimer = -1;
            }
            prune(link);
            link.heldDownlink.removeIf(h -> h.seq() <= lastDownlink);
            // after a gateway restart the plane may have processed higher seqs than this gateway issued
            link.downlinkSeq = Math.max(link.downlinkSeq, lastDownlink);
            Map<String, Object> sessions = new LinkedHashMap<>();
            for (PlaneTurn t : link.turns.values()) {
                sessions.put(t.sessionId, Map.of("last_seq", t.lastSeq, "request_id", t.requestId));
                if (t.reconnecting) {
                    t.reconnecting = false;
                    resumed.add(t);
                }
            }
            Map<String, Object> welcome = new LinkedHashMap<>();
            welcome.put("type", "welcome");
            welcome.put("vm_id", link.vmId);
            welcome.put("heartbeat_interval_ms", config.heartbeatInterval().toMillis());
            welcome.put("max_frame_bytes", config.maxFrameBytes());
            welcome.put("sessions", sessions);
            welcome.put("redelivering", Map.of("downlink", link.heldDownlink.size(), "responses", link.heldResponses.size()));
            welcome.put("token", freshToken);
            link.tokenIssuedNanos = System.nanoTime();
            frames.add(write(welcome));
            link.heldDownlink.forEach(h -> frames.add(h.json()));
            link.heldResponses.forEach(h -> frames.add(h.json()));
            link.heldResponses.clear();
            link.greeted = true;
            frames.forEach(link.socket::writeTextMessage);
        }
        if (wasAway) {
            reconnects.increment();
        }
        resumed.forEach(t -> publishStatus(t, "resumed"));
        List<Promise<PlaneLink>> waiters = waiting.remove(link.userId);
        if (waiters != null) {
            waiters.forEach(p -> p.tryComplete(link));
        }
        log.info("plane {} of user {} said hello (resumed {} turn(s), redelivered {} frame(s))",
                link.vmId, link.userId, resumed.size(), frames.size() - 1);
    }

    /** A frame arrived from the plane (before it waits in the queue): it is alive. */
    void heard(PlaneLink link, PlaneConnection connection) {
        synchronized (link) {
            if (link.isCurrent(connection)) {
                link.missedPongs = 0;
            }
        }
    }

    /** The gateway ended this request's turn: late events of it are dropped quietly. */
    boolean recentlyEnded(PlaneLink link, String requestId) {
        synchronized (link) {
            return link.endedRequests.containsKey(requestId);
        }
    }

    // ---- turns -------------------------------------------------------------------------------------

    /** The user's live plane, or one that says hello within {@code timeout}. */
    public Future<PlaneLink> awaitPlane(String userId, java.time.Duration timeout) {
        PlaneLink live = liveLink(userId);
        if (live != null) {
            return Future.succeededFuture(live);
        }
        Promise<PlaneLink> promise = Promise.promise();
        waiting.computeIfAbsent(userId, u -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(promise);
        live = liveLink(userId); // it may have said hello in between
        if (live != null) {
            promise.tryComplete(live);
        }
        long timer = vertx.setTimer(timeout.toMillis(), id -> promise.tryFail(GatewayException.upstream("vm_unavailable",
                "no execution plane said hello within " + timeout.toSeconds() + " s")));
        return promise.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            List<Promise<PlaneLink>> list = waiting.get(userId);
            if (list != null) {
                list.remove(promise);
            }
        });
    }

    public PlaneLink liveLink(String userId) {
        String vm = vmByUser.get(userId);
        PlaneLink link = vm == null ? null : byVm.get(vm);
        return link != null && link.isLive() ? link : null;
    }

    /** The user has a plane that is connected, or away but not declared dead. */
    public boolean hasPlane(String userId) {
        String vm = vmByUser.get(userId);
        PlaneLink link = vm == null ? null : byVm.get(vm);
        if (link == null) {
            return false;
        }
        synchronized (link) {
            return !link.dead;
        }
    }

    public PlaneLink linkOfVm(String vmId) {
        return byVm.get(vmId);
    }

    /** Hands a turn to the plane: {@code user_message} is sent (and held until the turn ends). */
    public void startTurn(PlaneLink link, Turn turn, List<Map<String, String>> history, Consumer<Throwable> onEnd) {
        PlaneTurn planeTurn = new PlaneTurn(turn, onEnd);
        synchronized (link) {
            if (link.dead) {
                throw GatewayException.upstream("vm_unavailable", "the execution plane is gone");
            }
            if (link.turns.containsKey(planeTurn.sessionId)) {
                throw GatewayException.upstream("turn_in_progress", "the plane is still running a turn of this session");
            }
            link.turns.put(planeTurn.sessionId, planeTurn);
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "user_message");
            frame.put("seq", ++link.downlinkSeq);
            frame.put("session_id", planeTurn.sessionId);
            frame.put("request_id", planeTurn.requestId);
            frame.put("message", turn.message());
            frame.put("history", history);
            sendDownlink(link, link.downlinkSeq, planeTurn.requestId, write(frame));
        }
        count("user_message", "out");
    }

    /** Ends a turn from the gateway's side (client gone, path timeout): the plane is told to cancel. */
    public void cancelTurn(PlaneLink link, String sessionId, String requestId) {
        synchronized (link) {
            PlaneTurn t = link.turns.get(sessionId);
            if (t == null || !t.requestId.equals(requestId)) {
                return;
            }
            link.turns.remove(sessionId);
            link.endedRequests.put(requestId, Boolean.TRUE);
            link.heldDownlink.removeIf(h -> requestId.equals(h.requestId()));
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "cancel");
            frame.put("seq", ++link.downlinkSeq);
            frame.put("session_id", sessionId);
            frame.put("request_id", requestId);
            sendDownlink(link, link.downlinkSeq, requestId, write(frame));
        }
        count("cancel", "out");
    }

    PlaneTurn turnOf(PlaneLink link, String sessionId) {
        synchronized (link) {
            return link.turns.get(sessionId);
        }
    }

    /** The plane ended the turn (done / error): forget it and its held user_message. */
    void finishTurn(PlaneLink link, PlaneTurn turn) {
        synchronized (link) {
            link.turns.remove(turn.sessionId, turn);
            link.endedRequests.put(turn.requestId, Boolean.TRUE);
            link.heldDownlink.removeIf(h -> turn.requestId.equals(h.requestId()));
        }
    }

    // ---- sending -----------------------------------------------------------------------------------

    /** Sends a frame now if the plane is connected and greeted; returns false otherwise. */
    boolean sendNow(PlaneLink link, Map<String, Object> frame) {
        String text = write(frame);
        synchronized (link) {
            if (link.socket == null || !link.greeted) {
                return false;
            }
            link.socket.writeTextMessage(text);
        }
        count(String.valueOf(frame.get("type")), "out");
        return true;
    }

    /** Sends a frame to this socket, attached and greeted or not (error frames). */
    void sendRaw(ServerWebSocket socket, Map<String, Object> frame) {
        socket.writeTextMessage(write(frame));
        count(String.valueOf(frame.get("type")), "out");
    }

    /** A response: sent now, or held (bounded, with a TTL) until the plane is back. */
    void respond(PlaneLink link, Map<String, Object> response) {
        String text = write(response);
        synchronized (link) {
            if (link.socket != null && link.greeted) {
                link.socket.writeTextMessage(text);
            } else if (!link.dead) {
                prune(link);
                if (link.heldResponses.size() >= config.holdMax()) {
                    link.heldResponses.removeFirst();
                }
                link.heldResponses.addLast(new PlaneLink.Held(0, null, text, System.nanoTime()));
                return;
            } else {
                return;
            }
        }
        count("response", "out");
    }

    private void sendDownlink(PlaneLink link, long seq, String requestId, String text) {
        prune(link);
        if (link.heldDownlink.size() >= config.holdMax()) {
            link.heldDownlink.removeFirst();
        }
        link.heldDownlink.addLast(new PlaneLink.Held(seq, requestId, text, System.nanoTime()));
        if (link.socket != null && link.greeted) {
            link.socket.writeTextMessage(text);
        }
    }

    private void prune(PlaneLink link) {
        long oldest = System.nanoTime() - config.holdTtl().toNanos();
        for (Iterator<PlaneLink.Held> it = link.heldDownlink.iterator(); it.hasNext(); ) {
            if (it.next().atNanos() < oldest) {
                it.remove();
            }
        }
        link.heldResponses.removeIf(h -> h.atNanos() < oldest);
    }

    // ---- heartbeat ---------------------------------------------------------------------------------

    private void heartbeat() {
        long now = System.currentTimeMillis();
        expireSilentTurns();
        long tokenRefresh = config.tokenTtl().toNanos() / 2;
        for (PlaneLink link : byVm.values()) {
            boolean timedOut = false;
            boolean refreshToken = false;
            synchronized (link) {
                if (link.socket == null || !link.greeted) {
                    continue;
                }
                if (link.connection != null && link.connection.backlog() > 0) {
                    link.missedPongs = 0; // frames received and waiting (the pong may be among them): alive
                }
                refreshToken = System.nanoTime() - link.tokenIssuedNanos > tokenRefresh;
                if (link.missedPongs >= config.missedPongs()) {
                    timedOut = true;
                } else {
                    if (link.missedPongs > 0) {
                        missedHeartbeats.increment();
                    }
                    link.missedPongs++;
                    link.socket.writeTextMessage("{\"type\":\"ping\",\"ts\":" + now + "}");
                }
            }
            if (timedOut) {
                missedHeartbeats.increment();
                declareDead(link, "missed " + config.missedPongs() + " heartbeats");
            } else if (refreshToken) {
                sendFreshToken(link);
            }
        }
    }

    /** A fresh VM token before the last one expires, so a plane can always reconnect (docs/protocol.md `token`). */
    private void sendFreshToken(PlaneLink link) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "token");
        frame.put("token", tokens.issue(link.userId, link.orgId, link.vmId));
        String text = write(frame);
        synchronized (link) {
            if (link.socket == null || !link.greeted) {
                return;
            }
            link.tokenIssuedNanos = System.nanoTime();
            link.socket.writeTextMessage(text);
        }
        count("token", "out");
    }

    /** A turn whose plane sends nothing (first event / idle timeout) is cancelled on the plane and fails. */
    private void expireSilentTurns() {
        long now = System.nanoTime();
        for (PlaneLink link : byVm.values()) {
            List<PlaneTurn> expired = new ArrayList<>();
            synchronized (link) {
                for (PlaneTurn t : link.turns.values()) {
                    boolean noFirst = t.lastEventNanos == 0 && now - t.startedNanos > config.firstEventTimeout().toNanos();
                    boolean idle = t.lastEventNanos != 0 && now - t.lastEventNanos > config.idleTimeout().toNanos();
                    if ((noFirst || idle) && !t.reconnecting) {
                        expired.add(t);
                    }
                }
            }
            for (PlaneTurn t : expired) {
                cancelTurn(link, t.sessionId, t.requestId);
                t.end(GatewayException.upstream("upstream_timeout", t.lastEventNanos == 0
                        ? "the execution plane sent no first event within " + config.firstEventTimeout().toSeconds() + " s"
                        : "the execution plane sent no event for " + config.idleTimeout().toSeconds() + " s"));
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private void publishStatus(PlaneTurn t, String state) {
        try {
            t.turn.publish(ChatEventTypes.STATUS, Map.of("state", state));
        } catch (IllegalStateException ended) {
            // the turn ended meanwhile
        }
    }

    void count(String type, String direction) {
        Counter.builder("gateway.plane.frames").description("execution-plane frames by type and direction")
                .tag("type", type).tag("direction", direction).register(meters).increment();
    }

    String write(Object frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }
}
