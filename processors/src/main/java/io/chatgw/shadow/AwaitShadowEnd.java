package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Waits, without a thread, for the shadow run to end, at most {@code gateway.shadow.timeout} from the shadow's start:
 * then the run is cancelled (the path is told to stop) and fails with {@code shadow_timeout}. The run's failure
 * becomes the exchange's exception (endShadowTurn reads it).
 */
@Component("awaitShadowEnd")
public class AwaitShadowEnd extends AsyncProcessorSupport {

    public static final String TIMEOUT = "shadow_timeout";

    private final ShadowContinuations continuations;
    private final ShadowProperties config;

    public AwaitShadowEnd(ShadowContinuations continuations, ShadowProperties config) {
        this.continuations = continuations;
        this.config = config;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Turn shadow = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        PathRun run = shadow.currentRun();
        long leftNanos = Math.max(1, config.timeout().toNanos() - (System.nanoTime() - shadow.startedNanos()));
        run.end().copy().orTimeout(leftNanos, TimeUnit.NANOSECONDS).whenComplete((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (cause instanceof TimeoutException) {
                cause = new GatewayException(504, TIMEOUT, "the shadow did not end within " + config.timeout().toSeconds() + " s");
                run.cancel((GatewayException) cause);
            }
            if (cause != null) {
                exchange.setException(cause);
            }
            continuations.resume(callback); // off the event loop or plane frame sequence the end came on
        });
        return false;
    }
}
