package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.conversation.Conversations;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.session.ChatSession;
import io.chatgw.session.SessionStore;
import io.chatgw.turn.ConversationLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The session and history of a response. With {@code previous_response_id}: that stored response's chain
 * ({@link Conversations#chain}: the response and the ones it continued, within gateway.conversations' bounds) is
 * the history, and its session runs the turn; a response that is not stored, or is someone else's, is a 400
 * {@code previous_response_not_found} (as OpenAI answers). Without: a new session ({@link StartResponseSession}).
 * The conversation sent is the {@code instructions} (a system message, this request's only), the chain (each
 * response's input and answer, its function calls included), then the input, split around the last user message:
 * an input of only {@code function_call_output} items continues the chain's last user message with the chain's
 * function calls and these outputs. The turn keeps its whole input and its settings with it
 * ({@link ConversationLink}) unless {@code store} is false.
 */
@Component("resolveResponseSession")
public class ResolveResponseSession implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ResolveResponseSession.class);

    private final Conversations conversations;
    private final SessionStore sessions;
    private final StartResponseSession newSession;

    public ResolveResponseSession(Conversations conversations, SessionStore sessions, StartResponseSession newSession) {
        this.conversations = conversations;
        this.sessions = sessions;
        this.newSession = newSession;
    }

    @Override
    public void process(Exchange exchange) {
        ResponseRequest request = exchange.getProperty(OpenAiKeys.RESPONSE_REQUEST, ResponseRequest.class);
        CompletionRequest completion = exchange.getProperty(OpenAiKeys.COMPLETION_REQUEST, CompletionRequest.class);
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        List<Map<String, Object>> history = new ArrayList<>();
        if (request.instructions() != null && !request.instructions().isBlank()) {
            history.add(Map.of("role", "system", "content", request.instructions()));
        }
        if (request.previous() != null) {
            long started = System.nanoTime();
            Conversations.Chain chain = conversations.chain(request.previous());
            ChatSession session = chain.chainStart() == null ? null
                    : sessions.findOwned(chain.chainStart().sessionId().toString(), caller).orElse(null);
            if (session == null) {
                throw new InvalidParameter("previous_response_not_found", "Previous response with id '"
                        + request.previousId() + "' not found.", "previous_response_id");
            }
            long micros = (System.nanoTime() - started) / 1_000;
            if (chain.history().turnsDropped() > 0) {
                log.debug("response chain from {}: history cut to {} turns ({} tokens), {} older turns dropped",
                        request.previousId(), chain.history().turnsKept(), chain.history().tokens(),
                        chain.history().turnsDropped());
            }
            CompletionMessages.Split split = request.input().split(chain.history().messages());
            completion = new CompletionRequest(completion.model(), completion.stream(), completion.includeUsage(),
                    completion.user(), split.message(), split.history(), split.continuation(),
                    completion.runtimeEvents(), completion.parameters());
            exchange.setProperty(OpenAiKeys.COMPLETION_REQUEST, completion);
            exchange.setProperty(ExchangeKeys.HISTORY_NOTE, chain.history().describe() + " history_load_us=" + micros);
            exchange.setProperty(ExchangeKeys.SESSION, session);
            exchange.setProperty(OpenAiKeys.SESSION_SOURCE, OpenAiKeys.FROM_PREVIOUS_RESPONSE);
        } else {
            newSession.process(exchange);
        }
        history.addAll(completion.history());
        exchange.setProperty(ExchangeKeys.HISTORY, history);
        exchange.setProperty(ExchangeKeys.MESSAGE, completion.message());
        exchange.setProperty(ExchangeKeys.CONTINUATION, completion.continuation());
        exchange.setProperty(ExchangeKeys.CONVERSATION_LINK, request.store() ? new ConversationLink(true,
                request.previous(), request.input().messages(), request.settings()) : ConversationLink.NOT_KEPT);
    }
}
