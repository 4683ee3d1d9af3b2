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
 *   first output/done  -> response.created, response.in_progress (the response, in_progress, no output), then
 *                         (without tools at once, with tools at the first text) the message:
 *                         response.output_item.added (the message), response.content_part.added (empty output_text)
 *   text               -> response.output_text.delta, at once
 *   tool_call          -> a function_call item: response.output_item.added, response.function_call_arguments.delta,
 *                         response.function_call_arguments.done, response.output_item.done
 *   done               -> response.output_text.done, response.content_part.done, response.output_item.done (the
 *                         message; none when the answer is only function calls), then response.completed (usage),
 *                         or response.incomplete when the LLM stopped at max_output_tokens (finish_reason length) or
 *                         its content filter
 *   error              -> before anything was sent: nothing, {@link #failure()} set (the HTTP layer answers with its
 *                         status); after: response.failed with the error's code and message
 *   route, fallback    -> nothing (x-gateway-path, x-gateway-fallback-from)
 *   anything else      -> nothing (runtime events are not carried on /v1/responses)
 * </pre>
 * Output items are indexed in the order they open. No delta is held back. Events of other turns are ignored.
 * Not thread-safe: feed it from one subscriber.
 */
public final class ResponseStream implements StreamTranslator<ResponseStream.Frame> {

    /** One server-sent event: its {@code event:} type and its {@code data:}. */
    public record Frame(String type, String data) {
    }

    private final ResponseObjects objects;
    private final TurnEventReader events;
    private final StringBuilder text = new StringBuilder();
    /** The output items sent so far, by output index (the message is completed at done). */
    private final List<Map<String, Object>> output = new ArrayList<>();
    private int messageIndex = -1;
    private int calls;
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
                openMessage(out);
                text.append(delta);
                out.add(frame("response.output_text.delta", part(Map.of("delta", delta, "logprobs", List.of()))));
                return out;
            }
            case ChatEventTypes.TOOL_CALL -> {
                List<Frame> out = new ArrayList<>(6);
                start(out);
                int index = output.size();
                int ordinal = calls++;
                String callId = data.path("id").asText();
                String name = data.path("name").asText();
                String arguments = data.path("arguments").asText("");
                Map<String, Object> item = objects.functionCall(ordinal, ResponseObjects.COMPLETED, callId, name, arguments);
                output.add(item);
                out.add(frame("response.output_item.added", item(index,
                        objects.functionCall(ordinal, ResponseObjects.IN_PROGRESS, callId, name, ""))));
                out.add(frame("response.function_call_arguments.delta", call(index, ordinal, Map.of("delta", arguments))));
                out.add(frame("response.function_call_arguments.done", call(index, ordinal, Map.of("arguments", arguments))));
                out.add(frame("response.output_item.done", item(index, item)));
                return out;
            }
            case ChatEventTypes.DONE -> {
                events.adoptModel(data); // nothing sent yet: the path's own model names it all
                List<Frame> out = new ArrayList<>(8);
                start(out);
                if (messageIndex < 0 && output.isEmpty()) {
                    openMessage(out); // an empty answer is still one (empty) message
                }
                if (messageIndex >= 0) {
                    String answer = text.toString();
                    out.add(frame("response.output_text.done", part(Map.of("text", answer, "logprobs", List.of()))));
                    out.add(frame("response.content_part.done", part(Map.of("part", ResponseObjects.outputText(answer)))));
                    Map<String, Object> item = objects.message(ResponseObjects.endStatus(data),
                            List.of(ResponseObjects.outputText(answer)));
                    output.set(messageIndex, item);
                    out.add(frame("response.output_item.done", item(messageIndex, item)));
                }
                Map<String, Object> response = objects.ended(data, events.model(), List.copyOf(output));
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
        List<Map<String, Object>> items = new ArrayList<>(output);
        if (messageIndex >= 0) {
            items.set(messageIndex, objects.message(ResponseObjects.INCOMPLETE,
                    List.of(ResponseObjects.outputText(text.toString()))));
        } else if (items.isEmpty()) {
            items.add(objects.message(ResponseObjects.INCOMPLETE, List.of(ResponseObjects.outputText(""))));
        }
        return frame("response.failed", Map.of("response", objects.response(ResponseObjects.FAILED, events.model(),
                items, null, ResponseObjects.error(error), null)));
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
        Map<String, Object> response = objects.response(ResponseObjects.IN_PROGRESS, events.model(), List.of(), null,
                null, null);
        out.add(frame("response.created", Map.of("response", response)));
        out.add(frame("response.in_progress", Map.of("response", response)));
        if (!objects.hasTools()) {
            openMessage(out); // without tools the answer is one message: it opens with the response
        }
    }

    private void openMessage(List<Frame> out) {
        if (messageIndex >= 0) {
            return;
        }
        messageIndex = output.size();
        Map<String, Object> item = objects.message(ResponseObjects.IN_PROGRESS, List.of());
        output.add(item);
        out.add(frame("response.output_item.added", item(messageIndex, item)));
        out.add(frame("response.content_part.added", part(Map.of("part", ResponseObjects.outputText("")))));
    }

    /** The fields of an event about the message's one text part, then {@code extra}. */
    private Map<String, Object> part(Map<String, Object> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("item_id", objects.messageId());
        fields.put("output_index", messageIndex);
        fields.put("content_index", 0);
        fields.putAll(extra);
        return fields;
    }

    /** The fields of an event about a function call's arguments, then {@code extra}. */
    private Map<String, Object> call(int index, int ordinal, Map<String, Object> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("item_id", objects.functionCallId(ordinal));
        fields.put("output_index", index);
        fields.putAll(extra);
        return fields;
    }

    private static Map<String, Object> item(int index, Map<String, Object> item) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("output_index", index);
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
