package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.core.RateLimited;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends a turn whose path failed: the client gets an {@code error} event with the failure's code
 * (unexpected exceptions become {@code internal_error}, logged with their stack trace).
 */
@Component("failTurn")
public class FailTurn implements Processor {

    private static final Logger log = LoggerFactory.getLogger(FailTurn.class);

    private final Turns turns;

    public FailTurn(Turns turns) {
        this.turns = turns;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        if (cause instanceof RateLimited limited) {
            turns.fail(turn, limited.code(), limited.getMessage(), limited.retryAfterSeconds());
        } else if (cause instanceof GatewayException g) {
            turns.fail(turn, g.code(), g.getMessage());
        } else {
            log.error("turn {} failed unexpectedly", turn.requestId(), cause);
            turns.fail(turn, "internal_error", "the gateway failed to complete this message");
        }
    }
}
