package io.chatgw.turn;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Starts the turn: claims the session, publishes the {@code route} event, counts and logs the decision. (The
 * session's {@code last_active_at} is written with the turn's usage record, off the client's path.)
 * The turn carries the message and the conversation before it ({@code chatHistory}, empty if none).
 */
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
                exchange.getProperty(ExchangeKeys.MESSAGE, String.class),
                history(exchange));
        exchange.setProperty(ExchangeKeys.TURN, turn);
        exchange.setProperty(ExchangeKeys.PATH, turn.decision().mode().wire());
    }

    /** The conversation before the message (empty for the native chat API, which sends none). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> history(Exchange exchange) {
        List<Map<String, String>> history = exchange.getProperty(ExchangeKeys.HISTORY, List.class);
        return history == null ? List.of() : history;
    }
}
