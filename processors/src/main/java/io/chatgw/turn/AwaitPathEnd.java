package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Waits, without a thread, for the answering run to end: the breaker's protected call returned at the first
 * event, this is the rest of the stream. The run's failure becomes the exchange's exception (failTurn reads it).
 */
@Component("awaitPathEnd")
public class AwaitPathEnd extends AsyncProcessorSupport {

    private final Vertx vertx;

    public AwaitPathEnd(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        PathRun run = exchange.getProperty(ExchangeKeys.TURN, Turn.class).currentRun();
        run.end().whenComplete((ok, failure) -> {
            if (failure != null) {
                exchange.setException(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
            // the run ends on an event loop or a plane's frame sequence: the rest of the route leaves it
            vertx.executeBlocking(() -> {
                callback.done(false);
                return null;
            }, false);
        });
        return false;
    }
}
