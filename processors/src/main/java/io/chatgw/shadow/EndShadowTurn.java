package io.chatgw.shadow;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.Turn;
import io.chatgw.turn.Turns;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends the shadow turn with the run's outcome: completed, or failed with the failure's code (its own timeout is
 * {@code shadow_timeout}; an unexpected exception {@code internal_error}, logged once); counts the run.
 */
@Component("endShadowTurn")
public class EndShadowTurn implements Processor {

    private static final Logger log = LoggerFactory.getLogger(EndShadowTurn.class);

    private final Turns turns;
    private final ShadowMeters meters;

    public EndShadowTurn(Turns turns, ShadowMeters meters) {
        this.turns = turns;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        Turn shadow = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        if (shadow.hasEnded()) {
            return;
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String code = null;
        String message = null;
        if (cause instanceof GatewayException g) {
            code = g.code();
            message = g.getMessage();
        } else if (cause != null) {
            log.error("shadow {} of request {} failed unexpectedly", shadow.requestId(), shadow.shadowOf().requestId(), cause);
            code = "internal_error";
            message = "the shadow failed in the gateway";
        }
        turns.endShadow(shadow, code, message);
        ShadowPlan plan = exchange.getProperty(SampleShadow.PLAN, ShadowPlan.class);
        meters.run(plan.kind(), plan.target().wire(),
                code == null ? "completed" : ShadowSlot.TIMEOUT.equals(code) ? "timeout" : "failed");
    }
}
