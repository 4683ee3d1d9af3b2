package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns one turn's relay events into the server-sent events of a streamed {@code POST /v1/responses}, as OpenAI
 * sends them ({@code event: <type>}, data with the same {@code type} and a {@code sequence_number} from 0):
 * <pre>
 *   first text / done  -> response.created, response.in_progress (the response, in_progress, no output),
 *                         response.output_item.added (the message), response.content_part.added (empty output_text)
 *   text               -> response.output_text.delta, at once
 *   done               -> response.output_text.done, response.content_part.done, response.output_item.done, then
 *                         response.completed (usage), or response.incomplete when the LLM stopped at
 *                         max_output_tokens (finish_reason length) or its content filter
 *   error              -> before anything was sent: nothing, {@link #failure()} set (the HTTP layer answers with its
 *                         status); after: response.failed with the error's code and message
 *   route, fallback    -> nothing (x-gateway-path, x-gateway-fallback-from)
 *   anything else      -> nothing (runtime events and tool calls are not carried on /v1/responses)
 * </pre>
 * No delta is held back. Events of other turns are ignored. Not thread-safe: feed it from one subscriber.
 */
public final class ResponseStream implements StreamTranslator<ResponseStream.Frame> {

    /** One server-sent event: its {@code event:} type and its {@code data:}. */
    public record Frame(String type, String data) {
    }

    private final ResponseObjects objects;
    private final TurnEventReader events;
    private final StringBuilder text = new StringBuilder();
    private int sequence;
    private boolean started;
    private boolean finished;

    public ResponseStream(ObjectMapper json, ResponseObjects objects, String turnId, Supplier<String> currentModel) {
        this.objects = objects;
        this.events = new TurnEventReader(json, turnId, currentModel);
    }

    /** The events this relay event adds to the stream, in order (often none). */
    @Override
    public List<Frame> accept(RelayEvent event) {
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
                List<Frame> out = new ArrayList<>(5);
                start(out);
                text.append(delta);
                out.add(frame("response.output_text.delta", part(Map.of("delta", delta, "logprobs", List.of()))));
                return out;
            }
            case ChatEventTypes.DONE -> {
                events.adoptModel(data); // nothing sent yet: the path's own model names it all
                List<Frame> out = new ArrayList<>(8);
                start(out);
                String answer = text.toString();
                out.add(frame("response.output_text.done", part(Map.of("text", answer, "logprobs", List.of()))));
                out.add(frame("response.content_part.done", part(Map.of("part", ResponseObjects.outputText(answer)))));
                Map<String, Object> item = objects.message(ResponseObjects.endStatus(data),
                        List.of(ResponseObjects.outputText(answer)));
                out.add(frame("response.output_item.done", item(item)));
                Map<String, Object> response = objects.ended(data, events.model(), List.of(item));
                out.add(frame(ResponseObjects.COMPLETED.equals(response.get("status")) ? "response.completed"
                        : "response.incomplete", Map.of("response", response)));
                finished = true;
                return out;
            }
            default -> {
                return List.of();
            }
        }
    }

    /** Starts the stream without waiting for the path's first output (the HTTP layer gave up waiting). */
    @Override
    public List<Frame> begin() {
        if (started || finished) {
            return List.of();
        }
        List<Frame> out = new ArrayList<>(4);
        start(out);
        return out;
    }

    /** A failure of the stream itself (not of the turn) after it started: response.failed. */
    public Frame failed(OpenAiError error) {
        finished = true;
        return frame("response.failed", Map.of("response", objects.response(ResponseObjects.FAILED, events.model(),
                List.of(objects.message(ResponseObjects.INCOMPLETE, List.of(ResponseObjects.outputText(text.toString())))),
                null, ResponseObjects.error(error), null)));
    }

    private List<Frame> fail(OpenAiError error) {
        if (!started) {
            finished = true;
            return List.of();
        }
        return List.of(failed(error));
    }

    private void start(List<Frame> out) {
        if (started) {
            return;
        }
        started = true;
        Map<String, Object> response = objects.response(ResponseObjects.IN_PROGRESS, events.model(), List.of(), null, null, null);
        out.add(frame("response.created", Map.of("response", response)));
        out.add(frame("response.in_progress", Map.of("response", response)));
        Map<String, Object> added = new LinkedHashMap<>();
        added.put("output_index", 0);
        added.put("item", objects.message(ResponseObjects.IN_PROGRESS, List.of()));
        out.add(frame("response.output_item.added", added));
        out.add(frame("response.content_part.added", part(Map.of("part", ResponseObjects.outputText("")))));
    }

    /** The fields of an event about the message's one text part, then {@code extra}. */
    private Map<String, Object> part(Map<String, Object> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("item_id", objects.messageId());
        fields.put("output_index", 0);
        fields.put("content_index", 0);
        fields.putAll(extra);
        return fields;
    }

    private static Map<String, Object> item(Map<String, Object> item) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("output_index", 0);
        fields.put("item", item);
        return fields;
    }

    private Frame frame(String type, Map<String, Object> fields) {
        return new Frame(type, objects.event(type, sequence++, fields));
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
