package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects one turn's relay events into the {@code chat.completion} of a {@code stream: false} answer: the
 * text deltas joined (with their logprobs, when the LLM sent them), the LLM's tool calls as
 * {@code message.tool_calls}, the model, finish reason and usage of {@code done}. An {@code error} event (or lost events) makes the
 * whole request fail with {@link #failure()}, whatever text came before. Runtime events (plan/skill/MCP/status)
 * are omitted, or listed in {@code gateway_events} with {@code extension}.
 */
public final class CompletionCollector {

    private final ObjectMapper json;
    private final CompletionChunks chunks;
    private final String turnId;
    private final RuntimeEvents runtimeEvents;
    private final Supplier<String> currentModel;
    private final StringBuilder content = new StringBuilder();
    private final List<Map<String, Object>> toolCalls = new ArrayList<>();
    /** The text's logprobs.content entries, or null when the LLM sent none. */
    private List<Object> logprobs;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private Map<String, Object> completion;
    private OpenAiError failure;
    private String path;
    private String fallbackFrom;

    public CompletionCollector(ObjectMapper json, CompletionChunks chunks, String turnId, RuntimeEvents runtimeEvents,
                               Supplier<String> currentModel) {
        this.json = json;
        this.chunks = chunks;
        this.turnId = turnId;
        this.runtimeEvents = runtimeEvents;
        this.currentModel = currentModel;
    }

    /** Takes one event; returns true once the answer is complete or failed. */
    public boolean accept(RelayEvent event) {
        if (finished()) {
            return true;
        }
        if (RelayEvent.RESYNC.equals(event.type())) {
            failure = OpenAiError.ofTurn("stream_interrupted", "the gateway lost events of this answer; retry the request");
            return true;
        }
        if (!turnId.equals(event.turnId())) {
            return false;
        }
        JsonNode data;
        try {
            data = json.readTree(event.data());
        } catch (IOException e) {
            throw new IllegalStateException("relay event data is not JSON", e);
        }
        switch (event.type()) {
            case ChatEventTypes.ROUTE -> path = data.path("path").asText(null);
            case ChatEventTypes.FALLBACK -> {
                path = data.path("to").asText(path);
                fallbackFrom = data.path("from").asText(null);
            }
            case ChatEventTypes.TEXT -> {
                content.append(data.path("delta").asText(""));
                if (data.path("logprobs").isArray()) {
                    if (logprobs == null) {
                        logprobs = new ArrayList<>();
                    }
                    data.get("logprobs").forEach(entry -> logprobs.add(json.convertValue(entry, Object.class)));
                }
            }
            case ChatEventTypes.TOOL_CALL -> toolCalls.add(CompletionChunks.toolCall(null, data.path("id").asText(),
                    data.path("name").asText(), data.path("arguments").asText("")));
            case ChatEventTypes.DONE -> {
                String model = data.hasNonNull("model") ? data.get("model").asText() : currentModel.get();
                completion = chunks.completion(model, content.toString(), toolCalls, logprobs,
                        json.convertValue(data.path("usage"), Object.class),
                        runtimeEvents == RuntimeEvents.EXTENSION ? events : null,
                        data.hasNonNull("finish_reason") ? data.get("finish_reason").asText() : null);
            }
            case ChatEventTypes.ERROR -> failure = OpenAiError.ofTurn(data.path("code").asText("internal_error"),
                        data.path("message").asText("the answer failed"), retryAfterOf(data));
            default -> {
                if (runtimeEvents == RuntimeEvents.EXTENSION) {
                    events.add(CompletionChunks.event(event.type(), json.convertValue(data, Object.class)));
                }
            }
        }
        return finished();
    }

    public boolean finished() {
        return completion != null || failure != null;
    }

    /** The {@code chat.completion} object, or null unless the turn ended with done. */
    public Map<String, Object> completion() {
        return completion;
    }

    public OpenAiError failure() {
        return failure;
    }

    /** The answering path (route event, or the fallback event's target). */
    public String path() {
        return path;
    }

    /** The path that failed before the answering one took over, or null. */
    public String fallbackFrom() {
        return fallbackFrom;
    }

    private static Integer retryAfterOf(com.fasterxml.jackson.databind.JsonNode data) {
        return data.path("retry_after").canConvertToInt() && data.has("retry_after") ? data.get("retry_after").asInt() : null;
    }
}
