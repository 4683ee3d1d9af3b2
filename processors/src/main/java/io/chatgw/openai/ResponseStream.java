package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.relay.RelayEvent;
import io.chatgw.turn.ChatEventTypes;
import java.io.IOException;
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

    private final ObjectMapper json;
    private final ResponseObjects objects;
    private final String turnId;
    private final Supplier<String> currentModel;
    private final StringBuilder text = new StringBuilder();
    private int sequence;
    private boolean started;
    private boolean finished;
    private OpenAiError failure;
    private String path;
    private String fallbackFrom;
    private String model;

    public ResponseStream(ObjectMapper json, ResponseObjects objects, String turnId, Supplier<String> currentModel) {
        this.json = json;
        this.objects = objects;
        this.turnId = turnId;
        this.currentModel = currentModel;
    }

    /** The events this relay event adds to the stream, in order (often none). */
    @Override
    public List<Frame> accept(RelayEvent event) {
        if (finished) {
            return List.of();
        }
        if (RelayEvent.RESYNC.equals(event.type())) {
            return fail(OpenAiError.ofTurn("stream_interrupted", "the gateway lost events of this answer; retry the request"));
        }
        if (!turnId.equals(event.turnId())) {
            return List.of();
        }
        JsonNode data = parse(event.data());
        switch (event.type()) {
            case ChatEventTypes.ROUTE -> path = data.path("path").asText(null);
            case ChatEventTypes.FALLBACK -> {
                path = data.path("to").asText(path);
                fallbackFrom = data.path("from").asText(null);
            }
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
                if (!started && data.hasNonNull("model")) {
                    model = data.get("model").asText(); // nothing sent yet: the path's own model names it all
                }
                List<Frame> out = new ArrayList<>(8);
                start(out);
                String answer = text.toString();
                out.add(frame("response.output_text.done", part(Map.of("text", answer, "logprobs", List.of()))));
                out.add(frame("response.content_part.done", part(Map.of("part", ResponseObjects.outputText(answer)))));
                String incomplete = incompleteReason(data.path("finish_reason").asText(null));
                String itemStatus = incomplete == null ? ResponseObjects.COMPLETED : ResponseObjects.INCOMPLETE;
                Map<String, Object> item = objects.message(itemStatus, List.of(ResponseObjects.outputText(answer)));
                out.add(frame("response.output_item.done", item(item)));
                Map<String, Object> response = objects.response(itemStatus, model(), List.of(item),
                        ResponseObjects.usage(data.get("usage")), null, incomplete);
                out.add(frame(incomplete == null ? "response.completed" : "response.incomplete", Map.of("response", response)));
                finished = true;
                return out;
            }
            case ChatEventTypes.ERROR -> {
                return fail(OpenAiError.ofTurn(data.path("code").asText("internal_error"),
                        data.path("message").asText("the answer failed"),
                        data.has("retry_after") && data.get("retry_after").canConvertToInt()
                                ? data.get("retry_after").asInt() : null));
            }
            default -> {
            }
        }
        return List.of();
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
        return frame("response.failed", Map.of("response", objects.response(ResponseObjects.FAILED, model(),
                List.of(objects.message(ResponseObjects.INCOMPLETE, List.of(ResponseObjects.outputText(text.toString())))),
                null, ResponseObjects.error(error), null)));
    }

    /** {@code length} (the LLM hit max_output_tokens) and {@code content_filter} make a response incomplete. */
    static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) {
            return "max_output_tokens";
        }
        return "content_filter".equals(finishReason) ? "content_filter" : null;
    }

    private List<Frame> fail(OpenAiError error) {
        failure = error;
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
        Map<String, Object> response = objects.response(ResponseObjects.IN_PROGRESS, model(), List.of(), null, null, null);
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

    @Override
    public String path() {
        return path;
    }

    @Override
    public String fallbackFrom() {
        return fallbackFrom;
    }
}
