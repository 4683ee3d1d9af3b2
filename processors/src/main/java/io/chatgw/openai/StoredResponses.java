package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatgw.auth.Caller;
import io.chatgw.conversation.ConversationTurn;
import io.chatgw.conversation.Conversations;
import io.chatgw.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The caller's stored responses ({@code store}, the default): turns of the conversation store, the same ones
 * {@code previous_response_id} continues. A response of a session the caller does not own, or one that was not
 * stored ({@code store: false}), is not found. Their output items are what {@code item_reference} names:
 * {@code msg_<id>} the answer's message, {@code fc_<id>_<n>} its n-th function call.
 */
@Component
public class StoredResponses {

    private static final Pattern ITEM = Pattern.compile("(msg|fc)_([0-9a-f]{32})(?:_(\\d{1,4}))?");

    private final Conversations conversations;
    private final SessionStore sessions;
    private final ObjectMapper json;
    private final JdbcTemplate jdbc;

    public StoredResponses(Conversations conversations, SessionStore sessions, ObjectMapper json, JdbcTemplate jdbc) {
        this.conversations = conversations;
        this.sessions = sessions;
        this.json = json;
        this.jdbc = jdbc;
    }

    /** The caller's stored turn of this request, if any. */
    public Optional<ConversationTurn> find(UUID requestId, Caller caller) {
        ConversationTurn turn = conversations.stored(requestId);
        if (turn == null || sessions.findOwned(turn.sessionId().toString(), caller).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(turn);
    }

    /** The output items of the caller's stored responses, for {@code item_reference}. */
    ResponseInput.Items items(Caller caller) {
        return id -> {
            Matcher m = ITEM.matcher(id);
            if (!m.matches() || ("fc".equals(m.group(1)) != (m.group(3) != null))) {
                return null;
            }
            Optional<ConversationTurn> turn = find(uuid(m.group(2)), caller);
            if (turn.isEmpty() || !turn.get().completed()) {
                return null;
            }
            if ("msg".equals(m.group(1))) {
                ObjectNode message = json.createObjectNode().put("type", "message").put("role", "assistant");
                message.put("content", turn.get().answer());
                return message;
            }
            List<Map<String, Object>> calls = functionCalls(turn.get());
            int n = Integer.parseInt(m.group(3));
            return n < calls.size() ? json.valueToTree(calls.get(n)) : null;
        };
    }

    /** The turn's tool calls as {@code function_call} input items ({@code call_id}, {@code name}, {@code arguments}). */
    static List<Map<String, Object>> functionCalls(ConversationTurn turn) {
        List<Map<String, Object>> calls = new ArrayList<>();
        for (Map<String, Object> call : turn.toolCalls()) {
            Map<?, ?> function = (Map<?, ?>) call.get("function");
            calls.add(Map.of("type", "function_call", "call_id", call.get("id"), "name", function.get("name"),
                    "arguments", function.get("arguments")));
        }
        return calls;
    }

    /** {@code resp_} / {@code msg_} hex as the request id it names. */
    static UUID uuid(String hex) {
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }

    /**
     * The path's model and chat usage of the turn, from its usage record (the last attempt); null fields when the
     * record is not written yet.
     */
    JsonNode usage(UUID requestId) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT model, tokens_in, tokens_out FROM usage_records "
                + "WHERE request_id = ? ORDER BY attempt DESC LIMIT 1", requestId);
        ObjectNode done = json.createObjectNode();
        if (!rows.isEmpty()) {
            Map<String, Object> row = rows.get(0);
            if (row.get("model") != null) {
                done.put("model", row.get("model").toString());
            }
            done.putObject("usage").put("prompt_tokens", ((Number) row.get("tokens_in")).longValue())
                    .put("completion_tokens", ((Number) row.get("tokens_out")).longValue());
        }
        return done;
    }
}
