package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the tool parameters of a chat completion as OpenAI does, before {@link LlmParameters} passes them on as
 * sent: {@code tools} (function tools: a {@code name} of 1-64 letters, digits, {@code _} or {@code -}, optional
 * {@code description}, {@code parameters} object and {@code strict} boolean), {@code tool_choice} ({@code none},
 * {@code auto}, {@code required} or {@code {"type": "function", "function": {"name"}}} naming one of the tools) and
 * {@code parallel_tool_calls}; the last two only together with {@code tools}. The deprecated {@code functions} /
 * {@code function_call} are refused (use tools).
 */
final class ToolParameters {

    static final List<String> NAMES = List.of("tools", "tool_choice", "parallel_tool_calls");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> CHOICES = Set.of("none", "auto", "required");

    private ToolParameters() {
    }

    static void check(JsonNode root) {
        for (String deprecated : List.of("functions", "function_call")) {
            if (present(root, deprecated)) {
                throw new InvalidParameter("unsupported_parameter", "'" + deprecated + "' is deprecated and not "
                        + "supported: use 'tools' and 'tool_choice'", deprecated);
            }
        }
        Set<String> names = tools(root.get("tools"));
        JsonNode choice = root.get("tool_choice");
        if (present(root, "tool_choice")) {
            if (names == null) {
                throw new InvalidParameter("invalid_value", "'tool_choice' is only allowed when 'tools' are given",
                        "tool_choice");
            }
            if (choice.isTextual()) {
                if (!CHOICES.contains(choice.asText())) {
                    throw new InvalidParameter("invalid_value", "'tool_choice' must be none, auto, required or "
                            + "{\"type\": \"function\", \"function\": {\"name\": ...}}", "tool_choice");
                }
            } else if (!choice.isObject() || !"function".equals(choice.path("type").asText())
                    || !choice.path("function").path("name").isTextual()) {
                throw new InvalidParameter("invalid_value", "'tool_choice' must be none, auto, required or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}", "tool_choice");
            } else if (!names.contains(choice.at("/function/name").asText())) {
                throw new InvalidParameter("invalid_value", "'tool_choice.function.name' names no tool in 'tools' ('"
                        + choice.at("/function/name").asText() + "')", "tool_choice.function.name");
            }
        }
        if (present(root, "parallel_tool_calls")) {
            if (!root.get("parallel_tool_calls").isBoolean()) {
                throw new InvalidParameter("invalid_type", "'parallel_tool_calls' must be a boolean", "parallel_tool_calls");
            }
            if (names == null) {
                throw new InvalidParameter("invalid_value", "'parallel_tool_calls' is only allowed when 'tools' are "
                        + "given", "parallel_tool_calls");
            }
        }
    }

    /** The tools' names; null when there are none. */
    private static Set<String> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw new InvalidParameter("invalid_type", "'tools' must be an array of function tools", "tools");
        }
        if (tools.isEmpty()) {
            throw new InvalidParameter("empty_array", "'tools' must hold at least one tool (or be left out)", "tools");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String p = "tools[" + i + "]";
            if (!tool.isObject() || !"function".equals(tool.path("type").asText())) {
                throw new InvalidParameter("invalid_value", "'" + p + ".type' must be 'function'", p + ".type");
            }
            JsonNode function = tool.path("function");
            if (!function.path("name").isTextual() || !NAME.matcher(function.get("name").asText()).matches()) {
                throw new InvalidParameter("invalid_value", "'" + p + ".function.name' must be 1-64 letters, digits, "
                        + "'_' or '-'", p + ".function.name");
            }
            if (function.has("parameters") && !function.get("parameters").isObject()) {
                throw new InvalidParameter("invalid_type", "'" + p + ".function.parameters' must be a JSON schema object",
                        p + ".function.parameters");
            }
            if (function.has("description") && !function.get("description").isTextual()) {
                throw new InvalidParameter("invalid_type", "'" + p + ".function.description' must be a string",
                        p + ".function.description");
            }
            if (function.has("strict") && !function.get("strict").isBoolean() && !function.get("strict").isNull()) {
                throw new InvalidParameter("invalid_type", "'" + p + ".function.strict' must be a boolean",
                        p + ".function.strict");
            }
            if (!names.add(function.get("name").asText())) {
                throw new InvalidParameter("invalid_value", "two tools are named '" + function.get("name").asText() + "'",
                        p + ".function.name");
            }
        }
        return names;
    }

    private static boolean present(JsonNode root, String name) {
        JsonNode value = root.get(name);
        return value != null && !value.isNull();
    }
}
