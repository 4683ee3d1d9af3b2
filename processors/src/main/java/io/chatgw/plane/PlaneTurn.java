package io.chatgw.plane;

import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.PathRun;
import java.util.Map;
import java.util.function.Consumer;

/** A turn's run on a plane: which request, the last event seq accepted, and how to end it. */
final class PlaneTurn {
    final PathRun run;
    final String sessionId;
    final String requestId;
    /** Ends the path: null = the plane said done, otherwise the failure. Called once. */
    private Consumer<Throwable> onEnd;
    long lastSeq;
    boolean reconnecting;
    final long startedNanos = System.nanoTime();
    /** Last event accepted from the plane (0 = none yet). */
    volatile long lastEventNanos;

    PlaneTurn(PathRun run, Consumer<Throwable> onEnd) {
        this.run = run;
        this.sessionId = run.turn().session().id().toString();
        this.requestId = run.turn().requestId().toString();
        this.onEnd = onEnd;
    }

    /** Whether the plane sent an event of this turn yet. */
    boolean hasEvents() {
        return lastEventNanos != 0;
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

    /** A {@code status} event for the client (reconnecting / resumed), dropped if the run ended meanwhile. */
    void publishStatus(String state) {
        run.publish(ChatEventTypes.STATUS, Map.of("state", state));
    }
}
