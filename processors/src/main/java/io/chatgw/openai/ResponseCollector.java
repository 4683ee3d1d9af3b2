package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects one turn's relay events into the response object of a non-streamed {@code POST /v1/responses}: the
 * text deltas joined into the one output message, the model, usage and status ({@code incomplete} when the LLM
 * stopped at max_output_tokens) of {@code done}. An {@code error} event (or lost events) makes the request fail
 * ({@link TurnEventReader#failure()}), whatever text came before.
 */
public final class ResponseCollector implements AnswerCollector {

    private final ResponseObjects objects;
    private final TurnEventReader events;
    private final StringBuilder text = new StringBuilder();
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
            case ChatEventTypes.TEXT -> text.append(data.path("delta").asText(""));
            case ChatEventTypes.DONE -> {
                events.adoptModel(data);
                response = objects.ended(data, events.model(), List.of(objects.message(ResponseObjects.endStatus(data),
                        List.of(ResponseObjects.outputText(text.toString())))));
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
