package io.chatgw.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The conversation_turns table (sql/V20, V41, V46): written once per ended turn, read newest first or paged oldest first. */
@Component
public class ConversationStore {

    private static final TypeReference<List<Map<String, Object>>> MAPS = new TypeReference<>() {
    };

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public ConversationStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Idempotent: a retried write that had in fact been committed changes nothing. A deleted session: no row. */
    public void insert(ConversationTurn turn) {
        insert(turn, null);
    }

    /** @param encoding the encoding {@code turn.tokens()} was counted in (null: not counted) */
    public void insert(ConversationTurn turn, String encoding) {
        String tools;
        String input;
        String settings;
        try {
            tools = json.writeValueAsString(turn.tools());
            input = turn.input() == null ? null : json.writeValueAsString(turn.input());
            settings = turn.settings() == null ? null : json.writeValueAsString(turn.settings());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool events, input messages or settings are not serializable", e);
        }
        jdbc.update("""
                INSERT INTO conversation_turns (request_id, session_id, started_at, user_message, answer, status, path,
                                                error_code, tools, tokens, encoding, previous_request_id, input,
                                                response_settings, finish_reason)
                SELECT ?, s.id, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::jsonb, ? FROM sessions s WHERE s.id = ?
                ON CONFLICT (request_id) DO NOTHING""",
                turn.requestId(), Timestamp.from(turn.startedAt()), turn.userMessage(), turn.answer(), turn.status(),
                turn.path(), turn.errorCode(), tools, turn.tokens(), turn.tokens() == null ? null : encoding,
                turn.previousRequestId(), input, settings, turn.finishReason(), turn.sessionId());
    }

    /** The session's last {@code limit} turns, newest first; {@code tokens} only if counted in {@code encoding}. */
    public List<ConversationTurn> newest(UUID sessionId, int limit, String encoding) {
        return jdbc.query("""
                SELECT request_id, session_id, started_at, user_message, answer, status, path, error_code, tools,
                       CASE WHEN encoding = ? THEN tokens END AS tokens, previous_request_id, input,
                       response_settings, finish_reason
                FROM conversation_turns WHERE session_id = ?
                ORDER BY started_at DESC, request_id DESC LIMIT ?""", this::turn, encoding, sessionId, limit);
    }

    /**
     * A response chain: the turn {@code last} and the turns it continues ({@code previous_request_id}), newest
     * first, at most {@code limit}; empty if {@code last} is not stored. Stops at a turn that is gone.
     */
    public List<ConversationTurn> chain(UUID last, int limit, String encoding) {
        return jdbc.query("""
                WITH RECURSIVE chain AS (
                    SELECT t.*, 1 AS depth FROM conversation_turns t WHERE t.request_id = ?
                    UNION ALL
                    SELECT t.*, c.depth + 1 FROM conversation_turns t JOIN chain c ON t.request_id = c.previous_request_id
                    WHERE c.depth < ?)
                SELECT request_id, session_id, started_at, user_message, answer, status, path, error_code, tools,
                       CASE WHEN encoding = ? THEN tokens END AS tokens, previous_request_id, input,
                       response_settings, finish_reason
                FROM chain ORDER BY depth""", this::turn, last, limit, encoding);
    }

    /** Up to {@code limit} turns after the cursor position (null: from the start), oldest first. */
    public List<ConversationTurn> page(UUID sessionId, Instant afterStarted, UUID afterRequest, int limit) {
        if (afterStarted == null) {
            return jdbc.query("""
                    SELECT * FROM conversation_turns WHERE session_id = ?
                    ORDER BY started_at, request_id LIMIT ?""", this::turn, sessionId, limit);
        }
        return jdbc.query("""
                SELECT * FROM conversation_turns WHERE session_id = ? AND (started_at, request_id) > (?, ?)
                ORDER BY started_at, request_id LIMIT ?""", this::turn, sessionId, Timestamp.from(afterStarted),
                afterRequest, limit);
    }

    private ConversationTurn turn(ResultSet rs, int row) throws SQLException {
        List<Map<String, Object>> tools;
        List<Map<String, Object>> input;
        Map<String, Object> settings;
        try {
            tools = json.readValue(rs.getString("tools"), MAPS);
            String inputJson = rs.getString("input");
            input = inputJson == null ? null : json.readValue(inputJson, MAPS);
            String settingsJson = rs.getString("response_settings");
            settings = settingsJson == null ? null : json.readValue(settingsJson, MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("conversation_turns.tools, .input or .response_settings is not valid JSON", e);
        }
        return new ConversationTurn(rs.getObject("request_id", UUID.class), rs.getObject("session_id", UUID.class),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(), rs.getString("user_message"),
                rs.getString("answer"), rs.getString("status"), rs.getString("path"), rs.getString("error_code"), tools,
                rs.getObject("tokens", Integer.class), rs.getObject("previous_request_id", UUID.class), input,
                settings, rs.getString("finish_reason"));
    }
}
