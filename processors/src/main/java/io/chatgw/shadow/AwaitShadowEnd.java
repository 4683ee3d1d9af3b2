package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.Turn;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Waits, without a thread, for the shadow run to end; its deadline ({@code gateway.shadow.timeout} from the shadow's
 * opening, {@link ShadowSlot}) ends it with {@code shadow_timeout} if the path does not. The run's failure becomes the
 * exchange's exception (endShadowTurn reads it).
 */
@Component("awaitShadowEnd")
public class AwaitShadowEnd extends AsyncProcessorSupport {

    private final ShadowContinuations continuations;

    public AwaitShadowEnd(ShadowContinuations continuations) {
        this.continuations = continuations;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Turn shadow = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        shadow.currentRun().end().whenComplete((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (cause != null) {
                exchange.setException(cause);
            }
            continuations.resume(callback); // off the event loop or plane frame sequence the end came on
        });
        return false;
    }
}
