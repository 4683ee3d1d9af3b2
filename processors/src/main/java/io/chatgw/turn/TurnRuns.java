package io.chatgw.turn;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A turn's attempts, in order: the decided path's run, then at most one fallback; the last one answers. A stopped
 * turn ({@link #stop}: a shadow's own timeout, or ops stopping the shadow-run route) ends its current run and every
 * run started later at once, so a stop that comes before the path started its run still ends it.
 */
final class TurnRuns {

    private final List<PathRun> runs = new CopyOnWriteArrayList<>();
    /** The path that failed (or whose breaker refused) before the next run: set by a fallback. */
    private volatile ExecutionMode fellBackFrom;
    /** Why the turn was stopped, or null. Written before the current run is read, read after a run is added. */
    private volatile GatewayException stopped;

    PathRun start(Turn turn, ExecutionMode path) {
        PathRun previous = current();
        if (previous != null && previous.reachedClient()) {
            throw new IllegalStateException("turn " + turn.requestId() + " already streamed from " + previous.path());
        }
        PathRun run = new PathRun(turn, path, runs.size() + 1, fellBackFrom);
        runs.add(run);
        GatewayException why = stopped;
        if (why != null) {
            run.cancel(why); // its path is not called (StartPath)
        }
        return run;
    }

    void stop(GatewayException why) {
        stopped = why;
        PathRun run = current();
        if (run != null) {
            run.cancel(why);
        }
    }

    PathRun current() {
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }

    List<PathRun> all() {
        return List.copyOf(runs);
    }

    void fellBackFrom(ExecutionMode from) {
        this.fellBackFrom = from;
    }

    ExecutionMode fellBackFrom() {
        return fellBackFrom;
    }
}
