package io.chatgw.session;

import io.chatgw.auth.Caller;
import io.chatgw.conversation.ConversationProperties;
import io.chatgw.core.ExchangeKeys;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/sessions}: the caller's sessions, newest first, {@code limit} per page, the next page
 * named by {@code next_cursor} (null on the last). Per-request OpenAI sessions are nobody's conversation: not listed.
 */
@Component("listSessions")
public class ListSessions implements Processor {

    private final JdbcTemplate jdbc;
    private final ConversationProperties config;

    public ListSessions(JdbcTemplate jdbc, ConversationProperties config) {
        this.jdbc = jdbc;
        this.config = config;
    }

    private record Row(UUID id, String agentId, OffsetDateTime createdAt, OffsetDateTime lastActiveAt) {
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        PageRequest page = PageRequest.of(exchange, config.defaultPageSize(), config.maxPageSize());
        String select = "SELECT id, agent_id, created_at, last_active_at FROM sessions WHERE user_id = ? AND NOT ephemeral ";
        String order = " ORDER BY created_at DESC, id DESC LIMIT ?";
        org.springframework.jdbc.core.RowMapper<Row> rows = (rs, i) -> new Row(rs.getObject("id", UUID.class),
                rs.getString("agent_id"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("last_active_at", OffsetDateTime.class));
        List<Row> found = page.afterTime() == null
                ? jdbc.query(select + order, rows, caller.userId(), page.limit() + 1)
                : jdbc.query(select + "AND (created_at, id) < (?, ?)" + order, rows, caller.userId(),
                        Timestamp.from(page.afterTime()), page.afterId(), page.limit() + 1);
        boolean more = found.size() > page.limit();
        List<Map<String, Object>> data = new ArrayList<>();
        for (Row row : found.subList(0, Math.min(found.size(), page.limit()))) {
            Map<String, Object> session = new LinkedHashMap<>();
            session.put("session_id", row.id().toString());
            session.put("agent_id", row.agentId());
            session.put("created_at", row.createdAt().toInstant().toString());
            session.put("last_active_at", row.lastActiveAt().toInstant().toString());
            data.add(session);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("data", data);
        Row last = found.isEmpty() ? null : found.get(Math.min(found.size(), page.limit()) - 1);
        reply.put("next_cursor", more ? PageRequest.cursor(last.createdAt().toInstant(), last.id()) : null);
        exchange.getMessage().setBody(reply);
    }
}
