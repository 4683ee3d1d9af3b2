package io.chatgw.plane;

import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.Turn;
import java.util.Map;
import java.util.function.Consumer;

/** A turn running on a plane: which request, the last event seq accepted, and how to end it. */
final class PlaneTurn {
    final Turn turn;
    final String sessionId;
    final String requestId;
    /** Ends the path: null = the plane said done, otherwise the failure. Called once. */
    private Consumer<Throwable> onEnd;
    long lastSeq;
    boolean reconnecting;
    final long startedNanos = System.nanoTime();
    /** Last event accepted from the plane (0 = none yet). */
    volatile long lastEventNanos;

    PlaneTurn(Turn turn, Consumer<Throwable> onEnd) {
        this.turn = turn;
        this.sessionId = turn.session().id().toString();
        this.requestId = turn.requestId().toString();
        this.onEnd = onEnd;
    }

    /** @return false if it had already ended */
    boolean end(Throwable failure) {
        Consumer<Throwable> callback = onEnd;
        onEnd = null;
        if (callback == null) {
            return false;
        }
        callback.accept(failure);
        return true;
    }

    /** A {@code status} event for the client (reconnecting / resumed), unless the turn ended meanwhile. */
    void publishStatus(String state) {
        try {
            turn.publish(ChatEventTypes.STATUS, Map.of("state", state));
        } catch (IllegalStateException ended) {
            // the turn ended meanwhile
        }
    }
}
