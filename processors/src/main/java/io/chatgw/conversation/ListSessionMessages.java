package io.chatgw.conversation;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.session.ChatSession;
import io.chatgw.session.PageRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/sessions/{id}/messages} (after loadOwnedSession): the stored conversation, oldest first,
 * {@code limit} turns per page (a turn is its user message and, if it completed, the assistant's answer), the
 * next page named by {@code next_cursor} (null on the last). A turn still being written is not listed yet.
 */
@Component("listSessionMessages")
public class ListSessionMessages implements Processor {

    private final ConversationStore store;
    private final ConversationProperties config;

    public ListSessionMessages(ConversationStore store, ConversationProperties config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        PageRequest page = PageRequest.of(exchange, config.defaultPageSize(), config.maxPageSize());
        List<ConversationTurn> turns = store.page(session.id(), page.afterTime(), page.afterId(), page.limit() + 1);
        boolean more = turns.size() > page.limit();
        List<ConversationTurn> shown = turns.subList(0, Math.min(turns.size(), page.limit()));
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ConversationTurn turn : shown) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("role", "user");
            user.put("content", turn.userMessage());
            user.put("request_id", turn.requestId().toString());
            user.put("created_at", turn.startedAt().toString());
            user.put("status", turn.status());
            if (!turn.completed()) {
                user.put("error_code", turn.errorCode());
            }
            messages.add(user);
            if (turn.completed()) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("role", "assistant");
                answer.put("content", turn.answer());
                answer.put("request_id", turn.requestId().toString());
                answer.put("path", turn.path());
                answer.put("tool_events", turn.tools());
                messages.add(answer);
            }
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("data", messages);
        ConversationTurn last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
        reply.put("next_cursor", more ? PageRequest.cursor(last.startedAt(), last.requestId()) : null);
        exchange.getMessage().setBody(reply);
    }
}
