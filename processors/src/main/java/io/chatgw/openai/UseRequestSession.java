package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.relay.SessionRelay;
import io.chatgw.session.ChatSession;
import io.chatgw.session.SessionStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Runs the completion in a new session of its own (ephemeral: nobody continues it). Used when the request names
 * no session, and when the session of its {@code user} field is busy: the client sends the whole conversation
 * every time, so a fresh session answers it just as well, where waiting would get SDKs that call in parallel
 * with one {@code user} a 409.
 */
@Component("useRequestSession")
public class UseRequestSession implements Processor {

    private final SessionStore sessions;
    private final SessionRelay relay;

    public UseRequestSession(SessionStore sessions, SessionRelay relay) {
        this.sessions = sessions;
        this.relay = relay;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ChatSession session = sessions.create(caller, null, true);
        // nobody will replay it: free its buffer soon after the answer. Opened at the epoch the row was born with
        relay.streamOfNewSession(session.id()).markEphemeral();
        exchange.setProperty(ExchangeKeys.SESSION, session);
        exchange.setProperty(OpenAiKeys.SESSION_SOURCE, OpenAiKeys.FOR_REQUEST);
        exchange.setProperty(ExchangeKeys.KEEP_CONVERSATION, false); // nobody's conversation: not stored
    }
}
