package io.chatgw.session;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Loads the session named in the path; 404 when it does not exist or belongs to someone else. */
@Component("loadOwnedSession")
public class LoadOwnedSession implements Processor {

    private final SessionStore sessions;

    public LoadOwnedSession(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String sessionId = exchange.getIn().getHeader(ExchangeKeys.SESSION_ID_HEADER, String.class);
        ChatSession session = sessions.findOwned(sessionId, caller)
                .orElseThrow(() -> GatewayException.notFound("session_not_found", "no such session: " + sessionId));
        exchange.setProperty(ExchangeKeys.SESSION, session);
    }
}
