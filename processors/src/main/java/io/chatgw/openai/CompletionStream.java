package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns one turn's relay events into the {@code data:} payloads of a {@code stream: true} answer:
 * <pre>
 *   text (first)      -> {delta: {role: assistant, content: ""}}, then the text as {delta: {content}}
 *   text (next)       -> the text as {delta: {content}}, at once (with logprobs.content when the LLM sent them)
 *   tool_call         -> {delta: {tool_calls: [{index, id, type: function, function: {name, arguments}}]}}
 *                        (the role chunk before a first tool call has content null, as OpenAI's)
 *   done              -> an empty delta with the path's finish_reason ("stop" if it gave none; "tool_calls"
 *                        after tool calls), as OpenAI ends a stream, the usage chunk
 *                        if the client asked (include_usage), then [DONE]
 *   error             -> before anything was sent: no payload, {@link #failure()} set (the HTTP layer answers
 *                        with that status); after: {"error": {...}}, and no [DONE]
 *   plan_step, skill_*, mcp_*, status
 *                     -> omitted, or with {@code extension}: an empty-delta chunk with gateway_event {type, data}
 *   route             -> nothing (its path names the x-gateway-path header)
 *   fallback          -> nothing (the answering path names x-gateway-path, the failed one x-gateway-fallback-from)
 * </pre>
 * No chunk is held back: each text goes out the moment it arrives. Events of other turns are ignored.
 * Not thread-safe: feed it from one subscriber.
 */
public final class CompletionStream implements StreamTranslator<String> {

    public static final String DONE_PAYLOAD = "[DONE]";

    private final ObjectMapper json;
    private final CompletionChunks chunks;
    private final String turnId;
    private final RuntimeEvents runtimeEvents;
    private final Supplier<String> currentModel;
    private boolean started;
    private boolean finished;
    private OpenAiError failure;
    private String path;
    private String fallbackFrom;
    /** The model named by the first chunk; every later chunk repeats it (OpenAI's chunks all carry the same model). */
    private String model;

    /**
     * @param currentModel the model to name in chunks before the turn's {@code done} reports one
     */
    public CompletionStream(ObjectMapper json, CompletionChunks chunks, String turnId, RuntimeEvents runtimeEvents,
                            Supplier<String> currentModel) {
        this.json = json;
        this.chunks = chunks;
        this.turnId = turnId;
        this.runtimeEvents = runtimeEvents;
        this.currentModel = currentModel;
    }

    /** The payloads this event adds to the stream, in order (often none). */
    @Override
    public List<String> accept(RelayEvent event) {
        if (finished) {
            return List.of();
        }
        if (RelayEvent.RESYNC.equals(event.type())) {
            return fail(OpenAiError.ofTurn("stream_interrupted",
                    "the gateway lost events of this answer; retry the request"));
        }
        if (!turnId.equals(event.turnId())) {
            return List.of();
        }
        JsonNode data = parse(event.data());
        switch (event.type()) {
            case ChatEventTypes.ROUTE -> {
                path = data.path("path").asText(null);
                return List.of();
            }
            case ChatEventTypes.FALLBACK -> {
                path = data.path("to").asText(path);
                fallbackFrom = data.path("from").asText(null);
                return List.of();
            }
            case ChatEventTypes.TEXT -> {
                String delta = data.path("delta").asText("");
                if (delta.isEmpty()) {
                    return List.of();
                }
                List<String> out = new ArrayList<>(2);
                start(out);
                out.add(chunks.content(model(), delta,
                        data.path("logprobs").isArray() ? json.convertValue(data.get("logprobs"), Object.class) : null,
                        null));
                return out;
            }
            case ChatEventTypes.TOOL_CALL -> {
                List<String> out = new ArrayList<>(2);
                if (!started) {
                    started = true;
                    out.add(chunks.role(model(), null));
                }
                out.add(chunks.toolCall(model(), data.path("index").asInt(0), data.path("id").asText(),
                        data.path("name").asText(), data.path("arguments").asText("")));
                return out;
            }
            case ChatEventTypes.DONE -> {
                List<String> out = new ArrayList<>(4);
                if (!started && data.hasNonNull("model")) {
                    model = data.get("model").asText();   // nothing sent yet: the path's own model names them all
                }
                start(out);
                String model = model();
                out.add(chunks.finish(model, data.hasNonNull("finish_reason") ? data.get("finish_reason").asText() : null));
                if (chunks.includeUsage()) {
                    out.add(chunks.usage(model, json.convertValue(data.path("usage"), Object.class)));
                }
                out.add(DONE_PAYLOAD);
                finished = true;
                return out;
            }
            case ChatEventTypes.ERROR -> {
                return fail(OpenAiError.ofTurn(data.path("code").asText("internal_error"),
                        data.path("message").asText("the answer failed"), retryAfterOf(data)));
            }
            default -> {
                if (runtimeEvents != RuntimeEvents.EXTENSION) {
                    return List.of();
                }
                List<String> out = new ArrayList<>(2);
                start(out);
                out.add(chunks.extension(model(), event.type(), json.convertValue(data, Object.class)));
                return out;
            }
        }
    }

    /**
     * Starts the stream without waiting for the path's first output (the HTTP layer gave up waiting):
     * the role chunk, unless already sent.
     */
    @Override
    public List<String> begin() {
        if (started || finished) {
            return List.of();
        }
        List<String> out = new ArrayList<>(1);
        start(out);
        return out;
    }

    private List<String> fail(OpenAiError error) {
        finished = true;
        failure = error;
        if (!started) {
            return List.of();
        }
        return List.of(chunks.error(error));
    }

    private void start(List<String> out) {
        if (!started) {
            started = true;
            out.add(chunks.role(model()));
        }
    }

    private String model() {
        if (model == null) {
            model = currentModel.get();
        }
        return model;
    }

    private JsonNode parse(String data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            throw new IllegalStateException("relay event data is not JSON", e);
        }
    }

    /** Something was sent (the HTTP status is committed: 200). */
    @Override
    public boolean started() {
        return started;
    }

    /** The turn ended (done, error) or the stream was interrupted. */
    @Override
    public boolean finished() {
        return finished;
    }

    /** Why the answer failed, or null. */
    @Override
    public OpenAiError failure() {
        return failure;
    }

    /** The answering path: the route event's, or the fallback event's target; null if neither was seen. */
    @Override
    public String path() {
        return path;
    }

    /** The path that failed before the answering one took over (the fallback event's), or null. */
    @Override
    public String fallbackFrom() {
        return fallbackFrom;
    }

    private static Integer retryAfterOf(com.fasterxml.jackson.databind.JsonNode data) {
        return data.path("retry_after").canConvertToInt() && data.has("retry_after") ? data.get("retry_after").asInt() : null;
    }
}
