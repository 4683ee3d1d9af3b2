package io.chatgw.shadow;

import io.chatgw.turn.Turn;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Waits, without a thread, for the primary turn to end (its done/error), at most {@code gateway.shadow.primary-wait}
 * from its start; a primary still running then is given up ({@value #UNFINISHED} true, counted): not compared.
 */
@Component("awaitPrimaryEnd")
public class AwaitPrimaryEnd extends AsyncProcessorSupport {

    public static final String UNFINISHED = "shadowPrimaryUnfinished";

    private final ShadowContinuations continuations;
    private final ShadowProperties config;
    private final ShadowMeters meters;

    public AwaitPrimaryEnd(ShadowContinuations continuations, ShadowProperties config, ShadowMeters meters) {
        this.continuations = continuations;
        this.config = config;
        this.meters = meters;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Turn primary = exchange.getProperty(OpenShadowTurn.PRIMARY, Turn.class);
        long leftNanos = Math.max(1, config.primaryWait().toNanos() - (System.nanoTime() - primary.startedNanos()));
        primary.whenEnded().copy().orTimeout(leftNanos, TimeUnit.NANOSECONDS).whenComplete((outcome, failure) -> {
            if (failure != null) {
                exchange.setProperty(UNFINISHED, true);
                meters.primaryUnfinished();
            }
            continuations.resume(callback); // off the event loop or plane frame sequence the end came on
        });
        return false;
    }
}
