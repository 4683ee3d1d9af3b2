package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.session.ChatSession;
import io.chatgw.session.SessionStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A new session for a response: one that keeps its conversation when the response is stored ({@code store}, the
 * default: a later response can continue it), else a per-request one ({@link UseRequestSession}). Used for a
 * response that continues none, and for one whose chain's session is busy with another response (a fork: its
 * history comes from the chain, whatever session it runs in).
 */
@Component("startResponseSession")
public class StartResponseSession implements Processor {

    private final SessionStore sessions;
    private final UseRequestSession requestSession;

    public StartResponseSession(SessionStore sessions, UseRequestSession requestSession) {
        this.sessions = sessions;
        this.requestSession = requestSession;
    }

    @Override
    public void process(Exchange exchange) {
        ResponseRequest request = exchange.getProperty(OpenAiKeys.RESPONSE_REQUEST, ResponseRequest.class);
        if (!request.store()) {
            requestSession.process(exchange);
            return;
        }
        ChatSession session = sessions.create(exchange.getProperty(ExchangeKeys.CALLER, Caller.class), null);
        exchange.setProperty(ExchangeKeys.SESSION, session);
        exchange.setProperty(OpenAiKeys.SESSION_SOURCE, OpenAiKeys.FOR_REQUEST);
    }
}
