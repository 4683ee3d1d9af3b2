package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the usage of a turn's {@code done} event (a path's chat usage: {@code prompt_tokens},
 * {@code completion_tokens}, ...) as each OpenAI API names it: as sent on a chat completion, as
 * {@code input_tokens} / {@code output_tokens} on a response.
 */
public final class OpenAiUsage {

    private OpenAiUsage() {
    }

    /** A chat completion's {@code usage}: the path's, as it sent it (null if none). */
    public static Object chat(ObjectMapper json, JsonNode done) {
        return json.convertValue(done.path("usage"), Object.class);
    }

    /** A response's {@code usage}; null if the path reported none. */
    public static Map<String, Object> responses(JsonNode done) {
        JsonNode chat = done.get("usage");
        if (chat == null || !chat.isObject() || !chat.has("prompt_tokens")) {
            return null;
        }
        long input = chat.path("prompt_tokens").asLong();
        long output = chat.path("completion_tokens").asLong();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("input_tokens", input);
        usage.put("input_tokens_details", Map.of("cached_tokens",
                chat.path("prompt_tokens_details").path("cached_tokens").asLong(0), "cache_write_tokens", 0));
        usage.put("output_tokens", output);
        usage.put("output_tokens_details", Map.of("reasoning_tokens",
                chat.path("completion_tokens_details").path("reasoning_tokens").asLong(0)));
        usage.put("total_tokens", chat.has("total_tokens") ? chat.get("total_tokens").asLong() : input + output);
        return usage;
    }
}
