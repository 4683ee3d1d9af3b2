package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Reads one turn's relay events the way every OpenAI answer does (a chat completion's stream and collector, a
 * response's stream and collector): events of other turns are skipped; {@code route} and {@code fallback} name the
 * answering path ({@link #path()}) and the one that failed before it ({@link #fallbackFrom()}); an {@code error}
 * event, or lost events ({@code resync}), is the answer's {@link #failure()}; the model is the one the path
 * reported before the first output ({@link #model()}). Not thread-safe: feed it from one subscriber.
 */
public final class TurnEventReader {

    private final ObjectMapper json;
    private final String turnId;
    private final Supplier<String> currentModel;
    private OpenAiError failure;
    private String path;
    private String fallbackFrom;
    private String model;

    /** @param currentModel the model to name before the turn's {@code done} reports one */
    public TurnEventReader(ObjectMapper json, String turnId, Supplier<String> currentModel) {
        this.json = json;
        this.turnId = turnId;
        this.currentModel = currentModel;
    }

    /**
     * The data of an event the answer translates (text, tool calls, done, runtime events); null for one it only
     * notes (route, fallback, error, resync) or skips (another turn's). Check {@link #failure()} after a null.
     */
    public JsonNode read(RelayEvent event) {
        if (RelayEvent.RESYNC.equals(event.type())) {
            failure = OpenAiError.ofTurn("stream_interrupted", "the gateway lost events of this answer; retry the request");
            return null;
        }
        if (!turnId.equals(event.turnId())) {
            return null;
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
            case ChatEventTypes.ERROR -> failure = OpenAiError.ofTurn(data.path("code").asText("internal_error"),
                    data.path("message").asText("the answer failed"),
                    data.has("retry_after") && data.get("retry_after").canConvertToInt()
                            ? data.get("retry_after").asInt() : null);
            default -> {
                return data;
            }
        }
        return null;
    }

    /**
     * The model every piece of the answer names: fixed by the first call (the path's reported one, or the gateway's
     * default); {@link #adoptModel} before that names the model of {@code done}.
     */
    public String model() {
        if (model == null) {
            model = currentModel.get();
        }
        return model;
    }

    /** Nothing named a model yet: the {@code done} event's model names the answer (when it reports one). */
    public void adoptModel(JsonNode done) {
        if (model == null && done.hasNonNull("model")) {
            model = done.get("model").asText();
        }
    }

    /** The finish reason of a {@code done} event's data, or null when the path gave none. */
    public static String finishReason(JsonNode done) {
        return done.hasNonNull("finish_reason") ? done.get("finish_reason").asText() : null;
    }

    /** Why the answer failed (an error event, lost events), or null. */
    public OpenAiError failure() {
        return failure;
    }

    /** The answering path: the route event's, or the fallback event's target; null if neither was seen. */
    public String path() {
        return path;
    }

    /** The path that failed before the answering one took over (the fallback event's), or null. */
    public String fallbackFrom() {
        return fallbackFrom;
    }
}
