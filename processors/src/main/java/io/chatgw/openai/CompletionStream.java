package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
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
    private final RuntimeEvents runtimeEvents;
    private final TurnEventReader events;
    private boolean started;
    private boolean finished;

    /**
     * @param currentModel the model to name in chunks before the turn's {@code done} reports one
     */
    public CompletionStream(ObjectMapper json, CompletionChunks chunks, String turnId, RuntimeEvents runtimeEvents,
                            Supplier<String> currentModel) {
        this.json = json;
        this.chunks = chunks;
        this.runtimeEvents = runtimeEvents;
        this.events = new TurnEventReader(json, turnId, currentModel);
    }

    /** The payloads this event adds to the stream, in order (often none). */
    @Override
    public List<String> accept(RelayEvent event) {
        if (finished) {
            return List.of();
        }
        JsonNode data = events.read(event);
        if (events.failure() != null) {
            return fail(events.failure());
        }
        if (data == null) {
            return List.of();
        }
        switch (event.type()) {
            case ChatEventTypes.TEXT -> {
                String delta = data.path("delta").asText("");
                if (delta.isEmpty()) {
                    return List.of();
                }
                List<String> out = new ArrayList<>(2);
                start(out);
                out.add(chunks.content(events.model(), delta,
                        data.path("logprobs").isArray() ? json.convertValue(data.get("logprobs"), Object.class) : null,
                        null));
                return out;
            }
            case ChatEventTypes.TOOL_CALL -> {
                List<String> out = new ArrayList<>(2);
                if (!started) {
                    started = true;
                    out.add(chunks.role(events.model(), null));
                }
                out.add(chunks.toolCall(events.model(), data.path("index").asInt(0), data.path("id").asText(),
                        data.path("name").asText(), data.path("arguments").asText("")));
                return out;
            }
            case ChatEventTypes.DONE -> {
                List<String> out = new ArrayList<>(4);
                events.adoptModel(data);   // nothing sent yet: the path's own model names them all
                start(out);
                String model = events.model();
                out.add(chunks.finish(model, TurnEventReader.finishReason(data)));
                if (chunks.includeUsage()) {
                    out.add(chunks.usage(model, OpenAiUsage.chat(json, data)));
                }
                out.add(DONE_PAYLOAD);
                finished = true;
                return out;
            }
            default -> {
                if (runtimeEvents != RuntimeEvents.EXTENSION) {
                    return List.of();
                }
                List<String> out = new ArrayList<>(2);
                start(out);
                out.add(chunks.extension(events.model(), event.type(), json.convertValue(data, Object.class)));
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
        if (!started) {
            return List.of();
        }
        return List.of(chunks.error(error));
    }

    private void start(List<String> out) {
        if (!started) {
            started = true;
            out.add(chunks.role(events.model()));
        }
    }

    @Override
    public TurnEventReader events() {
        return events;
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public boolean finished() {
        return finished;
    }
}
