package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends a turn whose path could not be started because the dispatch pool refused it (the gateway is shutting
 * down): the client gets an {@code error} event with code {@code shutting_down} and the session is free again,
 * instead of staying claimed by a task that will never run.
 */
@Component("failUndispatchedTurn")
public class FailUndispatchedTurn implements Processor {

    public static final String CODE = "shutting_down";
    private static final Logger log = LoggerFactory.getLogger(FailUndispatchedTurn.class);

    private final Turns turns;

    public FailUndispatchedTurn(Turns turns) {
        this.turns = turns;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("turn {} not started: {}", turn.requestId(), cause == null ? "dispatch refused" : cause.getMessage());
        turns.fail(turn, CODE, "the gateway is shutting down and did not run this message; send it again");
    }
}
