package io.chatgw.paths;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.Usage;
import io.chatgw.upstream.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps an OpenAI-compatible streamed chat completion onto chat events: each {@code choices[0].delta.content}
 * becomes a {@code text} event; {@code usage} is read from whichever chunk carries it (normally the last,
 * with empty choices, when {@code stream_options.include_usage} is set); {@code [DONE]} finishes; an
 * {@code error} object fails the turn with {@code llm_error}.
 */
public final class LlmChunkMapping {

    private final ObjectMapper json;

    public LlmChunkMapping(ObjectMapper json) {
        this.json = json;
    }

    public List<PathOutcome> map(SseEvent event) {
        String payload = event.data().trim();
        if ("[DONE]".equals(payload)) {
            return List.of(new PathOutcome.Finished());
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return List.of(new PathOutcome.Failed("upstream_error", "LLM sent a chunk that is not JSON"));
        }
        if (chunk.hasNonNull("error")) {
            JsonNode error = chunk.get("error");
            return List.of(new PathOutcome.Failed("llm_error", "LLM reported an error: "
                    + (error.isObject() ? error.path("message").asText(error.toString()) : error.asText())));
        }
        List<PathOutcome> outcomes = new ArrayList<>(2);
        JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
        if (content.isTextual() && !content.asText().isEmpty()) {
            outcomes.add(new PathOutcome.Publish(ChatEventTypes.TEXT, Map.of("delta", content.asText())));
        }
        JsonNode finish = chunk.path("choices").path(0).path("finish_reason");
        if (finish.isTextual()) {
            outcomes.add(new PathOutcome.Report(null, null, finish.asText()));
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            outcomes.add(new PathOutcome.Report(new Usage(usage.path("prompt_tokens").asInt(0),
                    usage.path("completion_tokens").asInt(0)), chunk.path("model").asText(null)));
        }
        return outcomes;
    }
}
