package io.chatgw.plane.turns;

import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.PathRun;
import java.util.Map;
import java.util.function.Consumer;

/** A turn's run on a plane: which request, the last event seq accepted, and how to end it. */
public final class PlaneTurn {
    private final PathRun run;
    private final String sessionId;
    private final String requestId;
    /** Ends the path: null = the plane said done, otherwise the failure. Called once. */
    private Consumer<Throwable> onEnd;
    /** Written under this turn's monitor ({@link #accept}); read without it (the link reads it under its own). */
    private volatile long lastSeq;
    /** The seq of the first event accepted (0 = none yet): a replacement plane with no data resumes from it. */
    private volatile long firstSeq;
    /** Its client was told the plane is away, and not yet that it resumed. */
    private volatile boolean toldAway;
    /** Away: waits for its plane to come back (the link's state, written under the link's monitor). */
    private boolean reconnecting;
    private volatile long startedNanos = System.nanoTime();
    /** Last event accepted from the plane (0 = none yet). */
    private volatile long lastEventNanos;

    PlaneTurn(PathRun run, Consumer<Throwable> onEnd) {
        this.run = run;
        this.sessionId = run.turn().session().id().toString();
        this.requestId = run.turn().requestId().toString();
        this.onEnd = onEnd;
    }

    public PathRun run() {
        return run;
    }

    public String sessionId() {
        return sessionId;
    }

    public String requestId() {
        return requestId;
    }

    /** The highest event seq accepted. */
    public long lastSeq() {
        return lastSeq;
    }

    /** An event numbered {@code seq}: accepted (true) if it is above every seq accepted before. */
    public synchronized boolean accept(long seq) {
        if (seq <= lastSeq) {
            return false;
        }
        if (lastSeq == 0) {
            firstSeq = seq;
        }
        lastSeq = seq;
        lastEventNanos = System.nanoTime();
        return true;
    }

    /** The seq of the first event accepted, 0 if none yet. */
    public long firstSeq() {
        return firstSeq;
    }

    /**
     * Its entry in a welcome's {@code sessions}: the last seq accepted, the request, the first seq accepted and the
     * session's latest snapshot (if any): what a replacement whose data is gone resumes from (docs/protocol.md).
     */
    public Map<String, Object> welcomeEntry(Object snapshot) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("last_seq", lastSeq);
        entry.put("request_id", requestId);
        if (firstSeq > 0) {
            entry.put("first_seq", firstSeq);
        }
        if (snapshot != null) {
            entry.put("snapshot", snapshot);
        }
        return entry;
    }

    public boolean isReconnecting() {
        return reconnecting;
    }

    public void reconnecting(boolean away) {
        reconnecting = away;
        if (!away) {
            // back (reconnected or replaced): its first-event and idle timeouts count from now, not from before it was away
            long now = System.nanoTime();
            startedNanos = now;
            if (lastEventNanos != 0) {
                lastEventNanos = now;
            }
        }
    }

    long startedNanos() {
        return startedNanos;
    }

    long lastEventNanos() {
        return lastEventNanos;
    }

    /** Whether the plane sent an event of this turn yet. */
    public boolean hasEvents() {
        return lastEventNanos != 0;
    }

    /** @return false if it had already ended */
    public boolean end(Throwable failure) {
        Consumer<Throwable> callback = onEnd;
        onEnd = null;
        if (callback == null) {
            return false;
        }
        callback.accept(failure);
        return true;
    }

    /** Whether its client was told the plane is away (reconnecting / recovering): it is then told when it resumed. */
    public boolean toldClientAway() {
        return toldAway;
    }

    /** A {@code status} event for the client (reconnecting / recovering / resumed), dropped if the run ended meanwhile. */
    public void publishStatus(String state) {
        toldAway = !"resumed".equals(state);
        run.publish(ChatEventTypes.STATUS, Map.of("state", state));
    }
}
