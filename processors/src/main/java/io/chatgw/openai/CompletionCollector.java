package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects one turn's relay events into the {@code chat.completion} of a {@code stream: false} answer: the
 * text deltas joined (with their logprobs, when the LLM sent them), the LLM's tool calls as
 * {@code message.tool_calls}, the model, finish reason and usage of {@code done}. An {@code error} event (or lost
 * events) makes the whole request fail ({@link TurnEventReader#failure()}), whatever text came before. Runtime
 * events (plan/skill/MCP/status) are omitted, or listed in {@code gateway_events} with {@code extension}.
 */
public final class CompletionCollector implements AnswerCollector {

    private final ObjectMapper json;
    private final CompletionChunks chunks;
    private final RuntimeEvents runtimeEvents;
    private final TurnEventReader events;
    private final StringBuilder content = new StringBuilder();
    private final List<Map<String, Object>> toolCalls = new ArrayList<>();
    /** The text's logprobs.content entries, or null when the LLM sent none. */
    private List<Object> logprobs;
    private final List<Map<String, Object>> runtime = new ArrayList<>();
    private Map<String, Object> completion;

    public CompletionCollector(ObjectMapper json, CompletionChunks chunks, String turnId, RuntimeEvents runtimeEvents,
                               Supplier<String> currentModel) {
        this.json = json;
        this.chunks = chunks;
        this.runtimeEvents = runtimeEvents;
        this.events = new TurnEventReader(json, turnId, currentModel);
    }

    @Override
    public boolean accept(RelayEvent event) {
        if (finished()) {
            return true;
        }
        JsonNode data = events.read(event);
        if (data == null) {
            return finished();
        }
        switch (event.type()) {
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
                events.adoptModel(data);
                completion = chunks.completion(events.model(), content.toString(), toolCalls, logprobs,
                        OpenAiUsage.chat(json, data), runtimeEvents == RuntimeEvents.EXTENSION ? runtime : null,
                        TurnEventReader.finishReason(data));
            }
            default -> {
                if (runtimeEvents == RuntimeEvents.EXTENSION) {
                    runtime.add(CompletionChunks.event(event.type(), json.convertValue(data, Object.class)));
                }
            }
        }
        return finished();
    }

    /** The {@code chat.completion} object, or null unless the turn ended with done. */
    public Map<String, Object> completion() {
        return completion;
    }

    @Override
    public Map<String, Object> answer() {
        return completion;
    }

    @Override
    public TurnEventReader events() {
        return events;
    }
}
