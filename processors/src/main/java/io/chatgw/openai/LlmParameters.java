package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI parameters a chat completion passes through to the path's LLM call, validated as OpenAI does (a bad
 * one is a 400 naming it): {@code max_tokens}, {@code max_completion_tokens}, {@code temperature}, {@code top_p},
 * {@code seed}, {@code stop}, {@code presence_penalty}, {@code frequency_penalty}, {@code response_format}
 * (text, json_object, json_schema), {@code logprobs}, {@code top_logprobs}, and the tools ({@code tools},
 * {@code tool_choice}, {@code parallel_tool_calls}, checked by {@link ToolParameters}). Types are checked by
 * {@link ParseCompletionRequest} first; this checks ranges and shapes and keeps what was sent.
 */
final class LlmParameters {

    static final List<String> NAMES = List.of("max_tokens", "max_completion_tokens", "temperature", "top_p", "seed",
            "stop", "presence_penalty", "frequency_penalty", "response_format", "logprobs", "top_logprobs", "tools",
            "tool_choice", "parallel_tool_calls");
    private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");

    private LlmParameters() {
    }

    static Map<String, Object> of(JsonNode root, ObjectMapper json) {
        range(root, "temperature", 0, 2);
        range(root, "top_p", 0, 1);
        range(root, "presence_penalty", -2, 2);
        range(root, "frequency_penalty", -2, 2);
        range(root, "max_tokens", 1, Integer.MAX_VALUE);
        range(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
        range(root, "top_logprobs", 0, 20);
        JsonNode logprobs = root.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !logprobs.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'logprobs' must be a boolean", "logprobs");
        }
        if (present(root, "top_logprobs") && (logprobs == null || !logprobs.asBoolean())) {
            throw new InvalidParameter("invalid_value", "'top_logprobs' needs 'logprobs': true", "top_logprobs");
        }
        JsonNode stop = root.get("stop");
        if (stop != null && stop.isArray()) {
            if (stop.size() > 4) {
                throw new InvalidParameter("invalid_value", "'stop' holds at most 4 sequences", "stop");
            }
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new InvalidParameter("invalid_type", "'stop' entries must be strings", "stop");
                }
            }
        }
        responseFormat(root.get("response_format"));
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (String name : NAMES) {
            if (present(root, name)) {
                parameters.put(name, json.convertValue(root.get(name), Object.class));
            }
        }
        return parameters;
    }

    private static void responseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject() || !format.path("type").isTextual() || !FORMATS.contains(format.get("type").asText())) {
            throw new InvalidParameter("invalid_value",
                    "'response_format' must be {\"type\": \"text\" | \"json_object\" | \"json_schema\"}", "response_format");
        }
        if ("json_schema".equals(format.get("type").asText())) {
            JsonNode schema = format.path("json_schema");
            if (!schema.isObject() || !schema.path("name").isTextual() || schema.get("name").asText().isBlank()) {
                throw new InvalidParameter("missing_required_parameter",
                        "'response_format.json_schema' needs a 'name'", "response_format.json_schema.name");
            }
            if (schema.has("schema") && !schema.get("schema").isObject()) {
                throw new InvalidParameter("invalid_type", "'response_format.json_schema.schema' must be an object",
                        "response_format.json_schema.schema");
            }
        }
    }

    private static void range(JsonNode root, String name, double min, double max) {
        if (present(root, name)) {
            double value = root.get(name).asDouble();
            if (value < min || value > max) {
                throw new InvalidParameter("invalid_value", "'" + name + "' must be between " + format(min) + " and "
                        + format(max), name);
            }
        }
    }

    private static String format(double v) {
        return v == Integer.MAX_VALUE ? "2147483647" : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean present(JsonNode root, String name) {
        JsonNode value = root.get(name);
        return value != null && !value.isNull();
    }
}
