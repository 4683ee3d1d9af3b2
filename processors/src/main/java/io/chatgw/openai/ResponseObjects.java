package io.chatgw.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Formats the objects of one {@code POST /v1/responses} answer in OpenAI's shape: the {@code response} (also inside
 * the stream's {@code response.created}, {@code response.completed}, ... events), its output message and function
 * calls, and the streaming events. Ids are {@code resp_} / {@code msg_} + the turn's request id without dashes
 * ({@code fc_} + it + {@code _n} for the n-th function call), so a response can be traced to its usage record,
 * continued with {@code previous_response_id} and its items referred to with {@code item_reference}.
 */
public final class ResponseObjects {

    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";
    public static final String INCOMPLETE = "incomplete";
    public static final String FAILED = "failed";
    static final String MESSAGE_PREFIX = "msg_";
    static final String FUNCTION_CALL_PREFIX = "fc_";

    private final ObjectMapper json;
    private final ResponseRequest request;
    private final String id;
    private final String messageId;
    private final long createdAt;

    public ResponseObjects(ObjectMapper json, String requestId, ResponseRequest request) {
        this(json, requestId, request, Instant.now().getEpochSecond());
    }

    ResponseObjects(ObjectMapper json, String requestId, ResponseRequest request, long createdAt) {
        this.json = json;
        this.request = request;
        String hex = requestId.replace("-", "");
        this.id = ParseResponseRequest.PREFIX + hex;
        this.messageId = MESSAGE_PREFIX + hex;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String messageId() {
        return messageId;
    }

    /** The id of the answer's {@code ordinal}-th function call (0 first): {@code fc_} + the request id + ordinal. */
    public String functionCallId(int ordinal) {
        return functionCallId(id.substring(ParseResponseRequest.PREFIX.length()), ordinal);
    }

    static String functionCallId(String hex, int ordinal) {
        return FUNCTION_CALL_PREFIX + hex + "_" + ordinal;
    }

    /** The request gave function tools: the answer may be function calls, its message opens with its first text. */
    public boolean hasTools() {
        return request.echoed().get("tools") instanceof List<?> tools && !tools.isEmpty();
    }

    /**
     * The response object. {@code output}: the answer's message, or none; {@code usage} in the Responses API's
     * shape or null; {@code error} ({code, message}) for a failed one; {@code incomplete} the reason of an
     * incomplete one ({@code max_output_tokens}).
     */
    public Map<String, Object> response(String status, String model, List<Map<String, Object>> output, Object usage,
                                        Map<String, Object> error, String incomplete) {
        Map<String, Object> echoed = request.echoed();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.put("background", false);
        r.put("error", error);
        r.put("incomplete_details", incomplete == null ? null : Map.of("reason", incomplete));
        r.put("instructions", request.instructions());
        r.put("max_output_tokens", echoed.get("max_output_tokens"));
        r.put("metadata", echoed.getOrDefault("metadata", Map.of()));
        r.put("model", model);
        r.put("output", output);
        r.put("parallel_tool_calls", echoed.getOrDefault("parallel_tool_calls", true));
        r.put("previous_response_id", request.previousId());
        r.put("store", request.store());
        r.put("temperature", echoed.getOrDefault("temperature", 1.0));
        r.put("text", echoed.getOrDefault("text", Map.of("format", Map.of("type", "text"))));
        r.put("tool_choice", echoed.getOrDefault("tool_choice", "auto"));
        r.put("tools", echoed.getOrDefault("tools", List.of()));
        r.put("top_p", echoed.getOrDefault("top_p", 1.0));
        r.put("truncation", echoed.getOrDefault("truncation", "disabled"));
        r.put("usage", usage);
        r.put("user", echoed.get("user"));
        return r;
    }

    /** The output message holding the answer's text. */
    public Map<String, Object> message(String status, List<Map<String, Object>> content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", messageId);
        m.put("type", "message");
        m.put("status", status);
        m.put("role", "assistant");
        m.put("content", content);
        return m;
    }

    /** A {@code function_call} output item: the LLM's call of one of the request's function tools. */
    public Map<String, Object> functionCall(int ordinal, String status, String callId, String name, String arguments) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", functionCallId(ordinal));
        call.put("type", "function_call");
        call.put("status", status);
        call.put("arguments", arguments);
        call.put("call_id", callId);
        call.put("name", name);
        return call;
    }

    /** An {@code output_text} content part. */
    public static Map<String, Object> outputText(String text) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("type", "output_text");
        part.put("text", text);
        part.put("annotations", List.of());
        part.put("logprobs", List.of());
        return part;
    }

    /**
     * The status a {@code done} event ends a response with: {@code incomplete} when the LLM stopped at
     * max_output_tokens (finish_reason {@code length}) or its content filter, else {@code completed}.
     */
    public static String endStatus(JsonNode done) {
        return incompleteReason(done) == null ? COMPLETED : INCOMPLETE;
    }

    /** The response a {@code done} event ends, with its {@code output} items, status and usage. */
    public Map<String, Object> ended(JsonNode done, String model, List<Map<String, Object>> output) {
        return response(endStatus(done), model, output, OpenAiUsage.responses(done), null, incompleteReason(done));
    }

    private static String incompleteReason(JsonNode done) {
        return incompleteReason(TurnEventReader.finishReason(done));
    }

    /** The {@code incomplete_details.reason} of an answer the LLM ended with {@code finishReason}, or null if complete. */
    public static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) {
            return "max_output_tokens";
        }
        return "content_filter".equals(finishReason) ? "content_filter" : null;
    }

    /** A failed response's {@code error}. */
    public static Map<String, Object> error(OpenAiError failure) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", failure.code());
        error.put("message", failure.message());
        return error;
    }

    /** One streaming event's data: {@code type}, {@code sequence_number}, then {@code fields} in order. */
    public String event(String type, int sequence, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("sequence_number", sequence);
        event.putAll(fields);
        return write(event);
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a response object", e);
        }
    }
}
