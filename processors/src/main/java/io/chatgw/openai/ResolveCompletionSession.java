package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.session.ChatSession;
import io.chatgw.session.SessionStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The gateway session a completion request runs in: the one named by the session header ({@code X-Session-Id},
 * 404 if it is not the caller's), else the one mapped to the request's {@code user} field (created on first
 * use), else a new session for this request alone ({@link UseRequestSession}). Says which in
 * {@link OpenAiKeys#SESSION_SOURCE}.
 */
@Component("resolveCompletionSession")
public class ResolveCompletionSession implements Processor {

    private final SessionStore sessions;
    private final SessionAliases aliases;
    private final OpenAiProperties config;
    private final UseRequestSession requestSession;

    public ResolveCompletionSession(SessionStore sessions, SessionAliases aliases, OpenAiProperties config,
                                    UseRequestSession requestSession) {
        this.sessions = sessions;
        this.aliases = aliases;
        this.config = config;
        this.requestSession = requestSession;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        CompletionRequest request = exchange.getProperty(OpenAiKeys.COMPLETION_REQUEST, CompletionRequest.class);
        String named = exchange.getIn().getHeader(OpenAiKeys.SESSION_HEADER, String.class);
        ChatSession session;
        if (named != null && !named.isBlank()) {
            session = sessions.findOwned(named.trim(), caller).orElseThrow(() -> new InvalidParameter(404,
                    "session_not_found", "no such session: " + named.trim(), config.sessionHeader()));
            exchange.setProperty(OpenAiKeys.SESSION_SOURCE, OpenAiKeys.FROM_HEADER);
        } else if (request.user() != null && config.sessionsFromUserField()) {
            session = aliases.findOrCreate(caller, request.user());
            exchange.setProperty(OpenAiKeys.SESSION_SOURCE, OpenAiKeys.FROM_USER_FIELD);
        } else {
            requestSession.process(exchange);
            return;
        }
        exchange.setProperty(ExchangeKeys.SESSION, session);
    }
}
