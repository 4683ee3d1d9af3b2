package io.chatgw.turn;

import io.chatgw.core.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Ends a turn whose path finished: publishes {@code done} with the path and the provider's usage. */
@Component("completeTurn")
public class CompleteTurn implements Processor {

    private final Turns turns;

    public CompleteTurn(Turns turns) {
        this.turns = turns;
    }

    @Override
    public void process(Exchange exchange) {
        turns.complete(exchange.getProperty(ExchangeKeys.TURN, Turn.class));
    }
}
