package io.chatgw.turn;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Starts the turn: claims the session, publishes the {@code route} event, counts and logs the decision. */
@Component("openTurn")
public class OpenTurn implements Processor {

    private final Turns turns;

    public OpenTurn(Turns turns) {
        this.turns = turns;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = turns.open(
                exchange.getProperty(ExchangeKeys.CALLER, Caller.class),
                exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class),
                exchange.getProperty(ExchangeKeys.DECISION, ModeDecision.class),
                exchange.getProperty(ExchangeKeys.MESSAGE, String.class));
        exchange.setProperty(ExchangeKeys.TURN, turn);
    }
}
