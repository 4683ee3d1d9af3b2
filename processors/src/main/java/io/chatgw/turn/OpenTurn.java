package io.chatgw.turn;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.routing.ModeDecision;
import io.chatgw.session.ChatSession;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Starts the turn: claims the session, publishes the {@code route} event, counts and logs the decision. (The
 * session's {@code last_active_at} is written with the turn's usage record, off the client's path.)
 * The turn carries the message and the conversation before it ({@code chatHistory}, empty if none).
 */
@Component("openTurn")
public class OpenTurn implements Processor {

    private final Turns turns;
    private final JdbcTemplate jdbc;
    private final io.chatgw.tracing.TurnTraces traces;

    public OpenTurn(Turns turns, JdbcTemplate jdbc, io.chatgw.tracing.TurnTraces traces) {
        this.turns = turns;
        this.jdbc = jdbc;
        this.traces = traces;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = turns.open(
                exchange.getProperty(ExchangeKeys.CALLER, Caller.class),
                exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class),
                exchange.getProperty(ExchangeKeys.DECISION, ModeDecision.class),
                exchange.getProperty(ExchangeKeys.MESSAGE, String.class),
                history(exchange),
                requestId(exchange));
        traces.opened(turn, exchange.getIn().getHeader(ExchangeKeys.TRACEPARENT, String.class));
        ConversationLink link = exchange.getProperty(ExchangeKeys.CONVERSATION_LINK, ConversationLink.class);
        turn.conversation(link != null ? link : Boolean.FALSE.equals(exchange.getProperty(ExchangeKeys.KEEP_CONVERSATION,
                Boolean.class)) ? ConversationLink.NOT_KEPT : ConversationLink.KEPT);
        turn.historyNote(exchange.getProperty(ExchangeKeys.HISTORY_NOTE, String.class));
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = exchange.getProperty(ExchangeKeys.LLM_PARAMETERS, Map.class);
        turn.llmParameters(parameters);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> continuation = exchange.getProperty(ExchangeKeys.CONTINUATION, List.class);
        turn.continuation(continuation);
        exchange.setProperty(ExchangeKeys.TURN, turn);
        exchange.setProperty(ExchangeKeys.PATH, turn.decision().mode().wire());
    }

    /**
     * The HTTP request's id (x-request-id) as the turn's request_id, unless the client chose it and a usage record
     * already has it (a reused id): then a new one. (A reuse within the moment before that record is written is
     * not caught: the later turn's records would be dropped as duplicates. Ids are meant to be unique.) While
     * PostgreSQL is unreachable a client's id cannot be checked: the turn gets a new one, so no record is dropped.
     */
    private UUID requestId(Exchange exchange) {
        String raw = exchange.getIn().getHeader(ExchangeKeys.REQUEST_ID_HEADER, String.class);
        if (raw == null) {
            return UUID.randomUUID();
        }
        UUID id = UUID.fromString(raw);
        if (!Boolean.TRUE.equals(exchange.getIn().getHeader(ExchangeKeys.REQUEST_ID_FROM_CLIENT, Boolean.class))) {
            return id;
        }
        return io.chatgw.core.DatabaseUnavailable.unlessUnreachable(
                () -> jdbc.queryForList("SELECT 1 FROM usage_records WHERE request_id = ? LIMIT 1", id).isEmpty()
                        ? id : UUID.randomUUID(),
                UUID::randomUUID);
    }

    /** The conversation before the message (loadConversation's for the native chat API, the client's for OpenAI). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> history(Exchange exchange) {
        List<Map<String, Object>> history = exchange.getProperty(ExchangeKeys.HISTORY, List.class);
        return history == null ? List.of() : history;
    }
}
