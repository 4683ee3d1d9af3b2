package io.chatgw.paths;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.Turn;
import io.chatgw.upstream.SseEvent;
import io.chatgw.upstream.UpstreamSseCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * A path that streams an upstream's SSE answer into the turn: each upstream event is mapped to
 * {@link PathOutcome}s and applied as it arrives. Runs without a thread while it waits; the route
 * continues (done / error, usage record) on a worker thread, never on the event loop. On failure the
 * exchange carries a {@link GatewayException} whose code the client sees in the {@code error} event;
 * events already published stay published (and replayable).
 */
public abstract class StreamIntoTurn extends AsyncProcessorSupport {

    protected final Vertx vertx;
    private final MeterRegistry meters;

    protected StreamIntoTurn(Vertx vertx, MeterRegistry meters) {
        this.vertx = vertx;
        this.meters = meters;
    }

    /** Starts the upstream call, feeding its events to {@code listener}. */
    protected abstract Future<Void> call(Turn turn, UpstreamSseCall.Listener listener);

    /** Maps one upstream event. */
    protected abstract List<PathOutcome> map(SseEvent event);

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        Future<Void> call;
        try {
            call = call(turn, event -> apply(turn, map(event)));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        call.onComplete(ar -> {
            if (ar.failed()) {
                exchange.setException(ar.cause());
            }
            // the rest of the route talks to the database: leave the event loop
            vertx.executeBlocking(() -> {
                callback.done(false);
                return null;
            }, false);
        });
        return false;
    }

    private boolean apply(Turn turn, List<PathOutcome> outcomes) {
        boolean finished = false;
        for (PathOutcome outcome : outcomes) {
            if (outcome instanceof PathOutcome.Publish p) {
                turn.publish(p.type(), p.data());
            } else if (outcome instanceof PathOutcome.Report r) {
                if (r.usage() != null) {
                    turn.reportUsage(r.usage());
                }
                turn.reportModel(r.model());
            } else if (outcome instanceof PathOutcome.Finished) {
                finished = true;
            } else if (outcome instanceof PathOutcome.Failed f) {
                throw GatewayException.upstream(f.code(), f.message());
            } else if (outcome instanceof PathOutcome.Ignored) {
                Counter.builder("gateway.upstream.events.ignored")
                        .description("upstream events with no chat event to map to")
                        .tag("path", turn.path()).register(meters).increment();
            }
        }
        return finished;
    }
}
