package io.chatgw.paths;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.ExecutionMode;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The protected call of a path's circuit breaker (routes/paths.yaml): starts the path's run of the turn and
 * returns once its first event reached the client, so the breaker learns "connect -> first event" and nothing
 * more. Throws {@link io.chatgw.core.PathUnavailable} if the path could not serve before that (the breaker counts
 * a failure; its onFallback decides what answers instead). The rest of the answer streams without this thread
 * (routes/chat.yaml's awaitPathEnd). The thread waits at most the path's first-event timeout plus
 * {@link #SAFETY_MARGIN}: the path's own timer fires first.
 */
public abstract class StartPath implements Processor {

    static final Duration SAFETY_MARGIN = Duration.ofSeconds(2);

    /** The path this starts. */
    protected abstract ExecutionMode mode();

    /** The path's own first-event timeout. */
    protected abstract Duration firstEventTimeout();

    /** Starts the path's run without blocking; the run is ended (succeed / fail) by the path, exactly once. */
    protected abstract void start(PathRun run);

    @Override
    public final void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        PathRun run = turn.startRun(mode());
        if (!run.end().isDone()) { // ended already: its turn was stopped (a shadow's timeout or stop), the path is not called
            try {
                start(run);
            } catch (RuntimeException e) {
                run.fail(e);
            }
        }
        run.awaitFirstEvent(firstEventTimeout().plus(SAFETY_MARGIN));
    }
}
