package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI parameters a chat completion passes through to the path's LLM call, validated as OpenAI does (a bad
 * one is a 400 naming it): {@code max_tokens}, {@code max_completion_tokens}, {@code temperature}, {@code top_p},
 * {@code seed}, {@code stop}, {@code presence_penalty}, {@code frequency_penalty}, {@code response_format}
 * (text, json_object, json_schema), {@code logprobs}, {@code top_logprobs}, and the tools ({@code tools},
 * {@code tool_choice}, {@code parallel_tool_calls}, checked by {@link ToolParameters}). Types are checked first ({@link SamplingParameters}); this checks ranges
 * and shapes ({@link ResponseFormat}) and keeps what was sent.
 */
final class LlmParameters {

    static final List<String> NAMES = List.of("max_tokens", "max_completion_tokens", "temperature", "top_p", "seed",
            "stop", "presence_penalty", "frequency_penalty", "response_format", "logprobs", "top_logprobs", "tools",
            "tool_choice", "parallel_tool_calls");

    private LlmParameters() {
    }

    static Map<String, Object> of(JsonNode root, ObjectMapper json) {
        SamplingParameters.checkRanges(root);
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
        ResponseFormat.check(root.get("response_format"));
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (String name : NAMES) {
            if (present(root, name)) {
                parameters.put(name, json.convertValue(root.get(name), Object.class));
            }
        }
        return parameters;
    }

    private static boolean present(JsonNode root, String name) {
        JsonNode value = root.get(name);
        return value != null && !value.isNull();
    }
}
