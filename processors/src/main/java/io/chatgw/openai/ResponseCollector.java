package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects one turn's relay events into the response object of a non-streamed {@code POST /v1/responses}: the
 * text deltas joined into one output message, the LLM's tool calls as {@code function_call} items (in the order
 * they came, the message where its first text came; no message when the answer is only function calls), the
 * model, usage and status ({@code incomplete} when the LLM stopped at max_output_tokens) of {@code done}. An
 * {@code error} event (or lost events) makes the request fail ({@link TurnEventReader#failure()}), whatever came
 * before.
 */
public final class ResponseCollector implements AnswerCollector {

    private final ResponseObjects objects;
    private final TurnEventReader events;
    private final StringBuilder text = new StringBuilder();
    private final List<Map<String, Object>> calls = new ArrayList<>();
    /** How many function calls came before the first text (-1: no text yet). */
    private int messageIndex = -1;
    private Map<String, Object> response;

    public ResponseCollector(ObjectMapper json, ResponseObjects objects, String turnId, Supplier<String> currentModel) {
        this.objects = objects;
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
                String delta = data.path("delta").asText("");
                if (!delta.isEmpty() && messageIndex < 0) {
                    messageIndex = calls.size();
                }
                text.append(delta);
            }
            case ChatEventTypes.TOOL_CALL -> {
                calls.add(objects.functionCall(calls.size(), ResponseObjects.COMPLETED, data.path("id").asText(),
                        data.path("name").asText(), data.path("arguments").asText("")));
            }
            case ChatEventTypes.DONE -> {
                events.adoptModel(data);
                List<Map<String, Object>> output = new ArrayList<>(calls);
                if (messageIndex >= 0 || calls.isEmpty()) {
                    output.add(Math.max(messageIndex, 0), objects.message(ResponseObjects.endStatus(data),
                            List.of(ResponseObjects.outputText(text.toString()))));
                }
                response = objects.ended(data, events.model(), output);
            }
            default -> {
            }
        }
        return finished();
    }

    /** The response object, or null unless the turn ended with done. */
    public Map<String, Object> response() {
        return response;
    }

    @Override
    public Map<String, Object> answer() {
        return response;
    }

    @Override
    public TurnEventReader events() {
        return events;
    }
}
