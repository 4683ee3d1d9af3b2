package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code messages} of a chat completion request, checked and split around the turn's user message (the last
 * {@code user} message): the ones before it are the turn's history, the ones after it its continuation (the
 * assistant's tool calls, their {@code tool} results and at most one last assistant message, a prefill).
 * Each becomes an OpenAI chat message map: {@code {role, content}}, plus {@code tool_calls} on an assistant's
 * and {@code tool_call_id} on a tool result. Every problem is a 400 naming the field in {@code param}.
 *
 * <p>Roles: {@code system}, {@code developer} (sent on as {@code system}), {@code user}, {@code assistant},
 * {@code tool}. Content is a string or an array of {@code text} parts; {@code null} only for an assistant.
 * A {@code tool} message must answer a tool call of an earlier assistant message (as OpenAI checks).
 */
final class CompletionMessages {

    static final String SYSTEM = "system";
    static final String DEVELOPER = "developer";
    static final String USER = "user";
    static final String ASSISTANT = "assistant";
    static final String TOOL = "tool";
    private static final Set<String> ROLES = Set.of(SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL);

    /** The split: {@code message} is the text of the last user message. */
    record Split(List<Map<String, Object>> history, String message, List<Map<String, Object>> continuation) {
    }

    private CompletionMessages() {
    }

    static Split split(JsonNode messagesNode) {
        List<Map<String, Object>> messages = new ArrayList<>(messagesNode.size());
        Set<String> openCalls = new HashSet<>();
        int lastUser = -1;
        for (int i = 0; i < messagesNode.size(); i++) {
            Map<String, Object> message = message(messagesNode.get(i), "messages[" + i + "]", openCalls);
            if (USER.equals(message.get("role"))) {
                lastUser = i;
            }
            messages.add(message);
        }
        int last = messages.size() - 1;
        if (lastUser < 0) {
            throw new InvalidParameter("invalid_value", "'messages' must contain a message with role 'user'",
                    "messages[" + last + "].role");
        }
        Map<String, Object> final_ = messages.get(last);
        if (ASSISTANT.equals(final_.get("role")) && final_.containsKey("tool_calls")) {
            throw new InvalidParameter("invalid_value", "the last message is an assistant's tool calls: send their "
                    + "'tool' results after it", "messages[" + last + "]");
        }
        for (int i = lastUser + 1; i < last; i++) {
            Map<String, Object> m = messages.get(i);
            if (ASSISTANT.equals(m.get("role")) && !m.containsKey("tool_calls")) {
                throw new InvalidParameter("invalid_value", "after the last user message only tool calls, their "
                        + "results and one last assistant message (a prefill) may follow", "messages[" + i + "]");
            }
            if (SYSTEM.equals(m.get("role"))) {
                throw new InvalidParameter("invalid_value", "a system message may not follow the last user message",
                        "messages[" + i + "].role");
            }
        }
        if (SYSTEM.equals(final_.get("role")) && last > lastUser) {
            throw new InvalidParameter("invalid_value", "a system message may not follow the last user message",
                    "messages[" + last + "].role");
        }
        String text = (String) messages.get(lastUser).get("content");
        if (text.isBlank()) {
            throw new InvalidParameter("empty_message", "the last user message must not be empty",
                    "messages[" + lastUser + "].content");
        }
        return new Split(List.copyOf(messages.subList(0, lastUser)), text,
                List.copyOf(messages.subList(lastUser + 1, messages.size())));
    }

    /** One message as an OpenAI chat message map; {@code openCalls} collects the tool call ids a tool message may answer. */
    private static Map<String, Object> message(JsonNode node, String param, Set<String> openCalls) {
        if (node == null || !node.isObject()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be an object with 'role' and 'content'", param);
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || roleNode.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + ".role' is required", param + ".role");
        }
        if (!roleNode.isTextual()) {
            throw new InvalidParameter("invalid_type", "'" + param + ".role' must be a string", param + ".role");
        }
        String role = roleNode.asText();
        if ("function".equals(role)) {
            throw new InvalidParameter("invalid_role", "'" + param + ".role' is 'function' (deprecated): use tools "
                    + "and 'tool' messages", param + ".role");
        }
        if (!ROLES.contains(role)) {
            throw new InvalidParameter("invalid_role", "'" + param + ".role' must be one of system, developer, user, "
                    + "assistant, tool (was '" + role + "')", param + ".role");
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", DEVELOPER.equals(role) ? SYSTEM : role);
        List<Map<String, Object>> toolCalls = ASSISTANT.equals(role) ? toolCalls(node.get("tool_calls"), param) : null;
        String content = content(node.get("content"), role, param + ".content");
        message.put("content", content == null && toolCalls == null ? "" : content);
        if (toolCalls != null) {
            message.put("tool_calls", toolCalls);
            toolCalls.forEach(call -> openCalls.add((String) call.get("id")));
        }
        if (TOOL.equals(role)) {
            JsonNode id = node.get("tool_call_id");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw new InvalidParameter("missing_required_parameter", "'" + param + ".tool_call_id' is required "
                        + "(a string)", param + ".tool_call_id");
            }
            if (!openCalls.contains(id.asText())) {
                throw new InvalidParameter("invalid_value", "'" + param + ".tool_call_id' ('" + id.asText()
                        + "') answers no tool call of an earlier assistant message", param + ".tool_call_id");
            }
            message.put("tool_call_id", id.asText());
        }
        return message;
    }

    /** An assistant's {@code tool_calls}: null when absent or empty. */
    private static List<Map<String, Object>> toolCalls(JsonNode calls, String param) {
        if (calls == null || calls.isNull() || (calls.isArray() && calls.isEmpty())) {
            return null;
        }
        String p = param + ".tool_calls";
        if (!calls.isArray()) {
            throw new InvalidParameter("invalid_type", "'" + p + "' must be an array", p);
        }
        List<Map<String, Object>> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String c = p + "[" + i + "]";
            if (!call.isObject() || !call.path("id").isTextual() || call.get("id").asText().isEmpty()) {
                throw new InvalidParameter("missing_required_parameter", "'" + c + ".id' is required (a string)", c + ".id");
            }
            if (call.has("type") && !"function".equals(call.get("type").asText())) {
                throw new InvalidParameter("invalid_value", "'" + c + ".type' must be 'function'", c + ".type");
            }
            JsonNode function = call.path("function");
            if (!function.path("name").isTextual() || !function.path("arguments").isTextual()) {
                throw new InvalidParameter("invalid_type", "'" + c + ".function' needs a string 'name' and a string "
                        + "'arguments'", c + ".function");
            }
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", function.get("name").asText());
            fn.put("arguments", function.get("arguments").asText());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", call.get("id").asText());
            m.put("type", "function");
            m.put("function", fn);
            out.add(m);
        }
        return out;
    }

    /** A string, or an array of {type: text, text} parts (joined with newlines); null only for an assistant's. */
    private static String content(JsonNode content, String role, String param) {
        if (content == null || content.isNull()) {
            if (ASSISTANT.equals(role)) {
                return null;
            }
            throw new InvalidParameter("missing_required_parameter", "'" + param + "' is required", param);
        }
        return textOf(content, param, "text", "only text parts are supported");
    }

    /**
     * A content that is a string, or an array of {@code {type: partType, text}} parts joined with newlines; a part
     * of another type is a 400 {@code unsupported_content} saying {@code only}.
     */
    static String textOf(JsonNode content, String param, String partType, String only) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be a string or an array of text parts", param);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (part == null || !part.isObject()) {
                throw new InvalidParameter("invalid_type", "'" + partParam + "' must be an object", partParam);
            }
            String type = part.path("type").asText("");
            if (!partType.equals(type)) {
                throw new InvalidParameter("unsupported_content", "'" + partParam + ".type' is '" + type + "': "
                        + only, partParam + ".type");
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isTextual()) {
                throw new InvalidParameter("invalid_type", "'" + partParam + ".text' must be a string", partParam + ".text");
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(partText.asText());
        }
        return text.toString();
    }
}
