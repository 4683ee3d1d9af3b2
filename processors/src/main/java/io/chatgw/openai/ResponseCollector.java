package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects one turn's relay events into the response object of a non-streamed {@code POST /v1/responses}: the
 * text deltas joined into the one output message, the model, usage and status ({@code incomplete} when the LLM
 * stopped at max_output_tokens) of {@code done}. An {@code error} event (or lost events) makes the request fail
 * with {@link #failure()}, whatever text came before.
 */
public final class ResponseCollector {

    private final ObjectMapper json;
    private final ResponseObjects objects;
    private final String turnId;
    private final Supplier<String> currentModel;
    private final StringBuilder text = new StringBuilder();
    private Map<String, Object> response;
    private OpenAiError failure;
    private String path;
    private String fallbackFrom;

    public ResponseCollector(ObjectMapper json, ResponseObjects objects, String turnId, Supplier<String> currentModel) {
        this.json = json;
        this.objects = objects;
        this.turnId = turnId;
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
            case ChatEventTypes.TEXT -> text.append(data.path("delta").asText(""));
            case ChatEventTypes.DONE -> {
                String incomplete = ResponseStream.incompleteReason(data.path("finish_reason").asText(null));
                String status = incomplete == null ? ResponseObjects.COMPLETED : ResponseObjects.INCOMPLETE;
                response = objects.response(status, data.hasNonNull("model") ? data.get("model").asText()
                                : currentModel.get(),
                        List.of(objects.message(status, List.of(ResponseObjects.outputText(text.toString())))),
                        ResponseObjects.usage(data.get("usage")), null, incomplete);
            }
            case ChatEventTypes.ERROR -> failure = OpenAiError.ofTurn(data.path("code").asText("internal_error"),
                    data.path("message").asText("the answer failed"),
                    data.has("retry_after") && data.get("retry_after").canConvertToInt() ? data.get("retry_after").asInt() : null);
            default -> {
            }
        }
        return finished();
    }

    public boolean finished() {
        return response != null || failure != null;
    }

    /** The response object, or null unless the turn ended with done. */
    public Map<String, Object> response() {
        return response;
    }

    public OpenAiError failure() {
        return failure;
    }

    public String path() {
        return path;
    }

    public String fallbackFrom() {
        return fallbackFrom;
    }
}
