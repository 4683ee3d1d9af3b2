package io.chatgw.plane.link;

import io.chatgw.plane.socket.FloodGuard;
import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.turns.PlaneTurn;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * What the gateway knows of one plane (one vm_id, one user), across its connections: the current socket
 * (null while away), the downlink sequence, the frames held for it while away, and the turns it runs.
 * Its state is written only by its own methods, each under its monitor; the classes that decide (registry,
 * greeting, sender, heartbeat, turns) ask it for a transition and act on what it returns, outside the monitor.
 */
public final class PlaneLink {

    /** What a disconnect left: the turns that wait for the plane. */
    record Departure(List<PlaneTurn> waiting) {
    }

    /** What declaring the plane dead left: the turns to fail and the socket to close (null if away). */
    record Death(List<PlaneTurn> failed, ServerWebSocket socket) {
    }

    /** What a hello did: whether the plane was away (its grace timer, to cancel), the resumed turns, frames resent. */
    record Greeting(long graceTimer, List<PlaneTurn> resumed, int redelivered) {
        boolean wasAway() {
            return graceTimer >= 0;
        }
    }

    /** One heartbeat tick's verdict. */
    enum Beat { NOT_LIVE, PINGED, PINGED_LATE, TIMED_OUT }

    private final String vmId;
    private final String userId;
    private final String orgId;
    /** The current connection (null while away); frames and callbacks of any other connection are ignored. */
    private PlaneConnection connection;
    private boolean greeted;
    private long downlinkSeq;
    private final HeldFrames held;
    private final Map<String, PlaneTurn> turns = new LinkedHashMap<>();
    private int missedPongs;
    /** The flood limits, kept across connections (a reconnect does not start them over). */
    private final FloodGuard flood;
    /** Ids of the plane's requests not answered yet, kept across connections. */
    private final OpenRequests openRequests = new OpenRequests();
    private long graceTimer = -1;
    private boolean dead;
    /** It crashed and a replacement is starting on its data (until the next hello). */
    private boolean replacing;
    /** Paused by its launcher for being idle (docker pause): not pinged; unpaused before it gets a turn. */
    private boolean paused;
    /** Last time it had something to do: a turn started or ended, a frame other than pong arrived. */
    private volatile long lastActiveNanos = System.nanoTime();
    /** When the plane was last given a fresh VM token (welcome / token frame). */
    private long tokenIssuedNanos;
    /** Requests whose turn the gateway ended recently: their late events are dropped quietly (bounded). */
    private final EndedRequests endedRequests = new EndedRequests();

    PlaneLink(String vmId, String userId, String orgId, int holdMax, Duration holdTtl, FloodGuard flood) {
        this.flood = flood;
        this.vmId = vmId;
        this.userId = userId;
        this.orgId = orgId;
        this.held = new HeldFrames(holdMax, holdTtl);
    }

    public String vmId() { return vmId; }

    public String userId() { return userId; }

    public String orgId() { return orgId; }

    /** The current connection's socket, null while away. */
    synchronized ServerWebSocket socket() {
        return connection == null ? null : connection.socket();
    }

    /** Connected and greeted: frames can be sent now. */
    public synchronized boolean isLive() {
        return connection != null && greeted;
    }

    /** Whether {@code connection} is this link's current one. */
    public synchronized boolean isCurrent(PlaneConnection connection) {
        return this.connection == connection;
    }

    public synchronized boolean isGreeted() { return greeted; }

    synchronized boolean isDead() { return dead; }

    // ---- connections

    /** {@code connection} becomes the current one (not greeted yet); returns the one it replaces, or null. */
    synchronized PlaneConnection attach(PlaneConnection connection) {
        PlaneConnection replaced = this.connection;
        this.connection = connection;
        connection.admitTo(this);
        greeted = false;
        dead = false;
        missedPongs = 0;
        return replaced;
    }

    /**
     * The current connection closed: the plane is away, its turns wait (reconnecting).
     * @return null if it was not the current connection or the plane is dead
     */
    synchronized Departure detach(PlaneConnection connection) {
        if (this.connection != connection) {
            return null; // an old, replaced connection
        }
        return away(false);
    }

    /**
     * The plane is away, whatever its connection; {@code replaced}: it crashed and its replacement is starting (its
     * turns are not dropped by {@link #dropUnstartedWhileAway}). @return null if the plane is dead
     */
    synchronized Departure away(boolean replaced) {
        this.connection = null;
        greeted = false;
        replacing = replacing || replaced;
        if (dead) {
            return null;
        }
        List<PlaneTurn> waiting = new ArrayList<>(turns.values());
        waiting.forEach(t -> t.reconnecting(true));
        return new Departure(waiting);
    }

    /** Turns with no event yet, if the plane is still away and no replacement is starting: forgotten, for the caller to fail. */
    synchronized List<PlaneTurn> dropUnstartedWhileAway() {
        if (connection != null || dead || replacing) {
            return List.of();
        }
        List<PlaneTurn> dropped = turns.values().stream().filter(t -> !t.hasEvents()).toList();
        dropped.forEach(this::forget);
        return dropped;
    }

    /** The reconnect-grace timer of the current absence. */
    synchronized void awayUntil(long timerId) {
        graceTimer = timerId;
    }

    /** Whether timer {@code timerId} is still this absence's grace timer and the plane has not come back. */
    synchronized boolean stillAway(long timerId) {
        return graceTimer == timerId && connection == null;
    }

    /** The plane is gone for good. @return what to fail and close, or null if it was dead already */
    synchronized Death kill() {
        if (dead) {
            return null;
        }
        dead = true;
        replacing = false;
        List<PlaneTurn> failed = new ArrayList<>(turns.values());
        turns.clear();
        held.clear();
        ServerWebSocket socket = socket();
        connection = null;
        greeted = false;
        return new Death(failed, socket);
    }

    /**
     * hello on the current connection: the welcome ({@code welcomeOf} gets the running sessions, with
     * {@code snapshots}' entry for theirs, and the counts of frames to redeliver, and the fresh token's issue is
     * noted), then the held frames, are written in that order.
     * @return null for a replaced connection's late hello or a dead plane
     */
    synchronized Greeting greet(PlaneConnection connection, long lastDownlink, Map<String, Object> snapshots,
                                java.util.function.BiFunction<Map<String, Object>, Map<String, Object>, String> welcomeOf) {
        if (this.connection != connection || dead) {
            return null;
        }
        long wasAwayTimer = graceTimer;
        graceTimer = -1;
        replacing = false;
        held.processedUpTo(lastDownlink);
        // after a gateway restart the plane may have processed higher seqs than this gateway issued
        downlinkSeq = Math.max(downlinkSeq, lastDownlink);
        Map<String, Object> sessions = new LinkedHashMap<>();
        List<PlaneTurn> resumed = new ArrayList<>();
        for (PlaneTurn t : turns.values()) {
            sessions.put(t.sessionId(), t.welcomeEntry(snapshots.get(t.sessionId())));
            if (t.isReconnecting()) {
                t.reconnecting(false);
                resumed.add(t);
            }
        }
        List<String> frames = new ArrayList<>();
        frames.add(welcomeOf.apply(sessions, Map.of("downlink", held.downlinkCount(), "responses", held.responseCount())));
        tokenIssuedNanos = System.nanoTime();
        frames.addAll(held.redelivery());
        greeted = true;
        frames.forEach(connection.socket()::writeTextMessage);
        return new Greeting(wasAwayTimer, resumed, frames.size() - 1);
    }

    // ---- frames out

    /** Writes a frame if the plane is connected and greeted. */
    synchronized boolean sendIfLive(String text) {
        if (!isLive()) {
            return false;
        }
        connection.socket().writeTextMessage(text);
        return true;
    }

    /** A fresh VM token frame: written (and its issue noted) if the plane is live. */
    synchronized boolean sendToken(String text) {
        if (!sendIfLive(text)) {
            return false;
        }
        tokenIssuedNanos = System.nanoTime();
        return true;
    }

    /** Whether the plane's token is older than {@code refreshNanos}. */
    synchronized boolean tokenOlderThan(long refreshNanos) {
        return System.nanoTime() - tokenIssuedNanos > refreshNanos;
    }

    /** A response: sent now (true), or held (bounded, with a TTL) until the plane is back, or dropped if dead (false). */
    synchronized boolean respond(String text) {
        if (isLive()) {
            connection.socket().writeTextMessage(text);
            return true;
        }
        if (!dead) {
            held.holdResponse(text);
        }
        return false;
    }

    /** A downlink frame numbered now ({@code frameOf(seq)}): held until its turn ends, and sent now if possible. */
    private void sendDownlink(String requestId, LongFunction<String> frameOf) {
        long seq = ++downlinkSeq;
        String text = frameOf.apply(seq);
        held.holdDownlink(seq, requestId, text);
        if (isLive()) {
            connection.socket().writeTextMessage(text);
        }
    }

    // ---- turns

    /** Hands a turn to the plane ({@code user_message} numbered by {@code frameOf}). */
    public synchronized void startTurn(PlaneTurn turn, LongFunction<String> frameOf) {
        if (dead) {
            throw new io.chatgw.core.PathUnavailable("vm_unavailable", io.chatgw.core.PathUnavailable.PLANE_UNAVAILABLE,
                    "the execution plane is gone");
        }
        if (turns.containsKey(turn.sessionId())) {
            throw io.chatgw.core.GatewayException.upstream("turn_in_progress", "the plane is still running a turn of this session");
        }
        turns.put(turn.sessionId(), turn);
        lastActiveNanos = System.nanoTime();
        sendDownlink(turn.requestId(), frameOf);
    }

    /** Ends the request's turn from the gateway's side; a {@code cancel} ({@code frameOf}) goes out. @return false if not running */
    public synchronized boolean cancelTurn(String sessionId, String requestId, LongFunction<String> frameOf) {
        PlaneTurn t = turns.get(sessionId);
        if (t == null || !t.requestId().equals(requestId)) {
            return false;
        }
        forget(t);
        sendDownlink(requestId, frameOf);
        return true;
    }

    /** The plane ended the turn (done / error): forget it and its held user_message. */
    public synchronized void finishTurn(PlaneTurn turn) {
        forget(turn);
    }

    private void forget(PlaneTurn t) {
        turns.remove(t.sessionId(), t);
        lastActiveNanos = System.nanoTime();
        endedRequests.add(t.requestId());
        held.ended(t.requestId());
    }

    /** The sessions of the turns it runs that wait for it to come back. */
    public synchronized List<String> awaySessions() {
        return turns.values().stream().filter(PlaneTurn::isReconnecting).map(PlaneTurn::sessionId).toList();
    }

    /** Whether the plane runs any turn. */
    public synchronized boolean hasTurns() {
        return !turns.isEmpty();
    }

    public synchronized PlaneTurn turnOf(String sessionId) {
        return turns.get(sessionId);
    }

    /** The gateway ended this request's turn: late events of it are dropped quietly. */
    public synchronized boolean recentlyEnded(String requestId) {
        return endedRequests.contains(requestId);
    }

    /** The running turns that {@code due} picks, skipping those waiting for a reconnect. */
    public synchronized List<PlaneTurn> turnsWhere(Predicate<PlaneTurn> due) {
        List<PlaneTurn> picked = new ArrayList<>();
        for (PlaneTurn t : turns.values()) {
            if (!t.isReconnecting() && due.test(t)) {
                picked.add(t);
            }
        }
        return picked;
    }

    // ---- idle handling (IdlePlanes)

    /** The plane did something (a frame other than pong): it is not idle. */
    public void active() {
        lastActiveNanos = System.nanoTime();
    }

    /** How long it has had nothing to do: -1 while it runs a turn (busy, however silent), or if it is dead. */
    public synchronized long idleNanos(long nowNanos) {
        return dead || !turns.isEmpty() ? -1 : nowNanos - lastActiveNanos;
    }

    /** Marks it paused, unless it got a turn meanwhile or is dead. @return whether it is paused now */
    public synchronized boolean markPaused() {
        if (dead || !turns.isEmpty()) {
            return false;
        }
        return paused = true;
    }

    /** Marks it running again. @return false if it was not paused */
    public synchronized boolean markUnpaused() {
        if (!paused) {
            return false;
        }
        paused = false;
        missedPongs = 0; // the pings it could not answer while frozen do not count
        lastActiveNanos = System.nanoTime();
        return true;
    }

    public synchronized boolean isPaused() { return paused; }

    // ---- liveness and flood limits

    /** A frame arrived on {@code connection}: the plane is alive. */
    public synchronized void heard(PlaneConnection connection) {
        if (this.connection == connection) {
            missedPongs = 0;
        }
    }

    /**
     * A heartbeat tick: a ping ({@code ping}) unless {@code maxMissed} went unanswered. A paused plane is pinged too,
     * uncounted (it answers once unpaused): that traffic keeps its socket from socket-idle-timeout.
     */
    synchronized Beat beat(int maxMissed, String ping) {
        if (!isLive()) {
            return Beat.NOT_LIVE;
        }
        if (paused) {
            connection.socket().writeTextMessage(ping);
            return Beat.PINGED;
        }
        if (connection.backlog() > 0) {
            missedPongs = 0; // frames received and waiting (the pong may be among them): alive
        }
        if (missedPongs >= maxMissed) {
            return Beat.TIMED_OUT;
        }
        boolean late = missedPongs > 0;
        missedPongs++;
        connection.socket().writeTextMessage(ping);
        return late ? Beat.PINGED_LATE : Beat.PINGED;
    }

    /** Flood limits (ReadPlaneFrame, RejectPlaneFrame). */
    public FloodGuard flood() { return flood; }

    /** Its requests not answered yet (ReadPlaneRequest, QueuePlaneRequest, AnswerPlaneRequest). */
    public OpenRequests openRequests() { return openRequests; }
}
