package io.chatgw.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Formats the objects of one answer: {@code chat.completion.chunk}s of a stream (all with the same {@code id}
 * and {@code created}) and the {@code chat.completion} of a non-streamed answer. The id is
 * {@code chatcmpl-} + the turn's request id without dashes, so it can be traced to the usage record.
 */
public final class CompletionChunks {

    public static final String FINISH_STOP = "stop";
    /** Extension field carrying a runtime event (plan/skill/MCP/status) when they are not omitted. */
    public static final String EXTENSION_EVENT = "gateway_event";
    public static final String EXTENSION_EVENTS = "gateway_events";

    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final boolean includeUsage;

    public CompletionChunks(ObjectMapper json, String requestId, boolean includeUsage) {
        this(json, requestId, Instant.now().getEpochSecond(), includeUsage);
    }

    CompletionChunks(ObjectMapper json, String requestId, long created, boolean includeUsage) {
        this.json = json;
        this.id = "chatcmpl-" + requestId.replace("-", "");
        this.created = created;
        this.includeUsage = includeUsage;
    }

    public String id() {
        return id;
    }

    public long created() {
        return created;
    }

    /** Whether the client asked for the usage chunk (stream_options.include_usage). */
    public boolean includeUsage() {
        return includeUsage;
    }

    /** The first chunk: {@code delta: {role: assistant, content: ""}}. */
    public String role(String model) {
        return role(model, "");
    }

    /** The first chunk, with {@code content: null} when the answer starts with a tool call (as OpenAI sends it). */
    public String role(String model, String content) {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("role", "assistant");
        delta.put("content", content);
        return write(chunk(model, delta, null));
    }

    /** A piece of the answer; {@code finishReason} is set on the last one only. */
    public String content(String model, String text, String finishReason) {
        return content(model, text, null, finishReason);
    }

    /** A piece of the answer with its tokens' log probabilities ({@code logprobs.content}; none if null). */
    public String content(String model, String text, Object logprobs, String finishReason) {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("content", text);
        Map<String, Object> chunk = chunk(model, delta, finishReason);
        if (logprobs != null) {
            firstChoice(chunk).put("logprobs", logprobs(logprobs));
        }
        return write(chunk);
    }

    /**
     * One tool call of the LLM, whole, as OpenAI's indexed delta:
     * {@code delta: {tool_calls: [{index, id, type: function, function: {name, arguments}}]}}.
     */
    public String toolCall(String model, int index, String id, String name, String arguments) {
        return write(chunk(model, Map.of("tool_calls", List.of(toolCall(index, id, name, arguments))), null));
    }

    /** A tool call in OpenAI's shape; {@code index} only in a stream's delta (null: left out). */
    public static Map<String, Object> toolCall(Integer index, String id, String name, String arguments) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        if (index != null) {
            call.put("index", index);
        }
        call.put("id", id);
        call.put("type", "function");
        call.put("function", function);
        return call;
    }

    /** {@code choices[].logprobs}: {@code {content: [...], refusal: null}}. */
    public static Map<String, Object> logprobs(Object content) {
        Map<String, Object> logprobs = new LinkedHashMap<>();
        logprobs.put("content", content);
        logprobs.put("refusal", null);
        return logprobs;
    }

    /** The end of the answer when no content chunk can carry it: an empty delta with the finish reason. */
    public String finish(String model) {
        return finish(model, null);
    }

    /** As {@link #finish(String)}, with the path's finish reason ({@code stop} when it gave none). */
    public String finish(String model, String finishReason) {
        return write(chunk(model, Map.of(), finishReason == null ? FINISH_STOP : finishReason));
    }

    /** A runtime event as an extension: empty delta, the event in {@code gateway_event: {type, data}}. */
    public String extension(String model, String type, Object data) {
        Map<String, Object> chunk = chunk(model, Map.of(), null);
        chunk.put(EXTENSION_EVENT, event(type, data));
        return write(chunk);
    }

    /** The usage chunk (only when the client asked with stream_options.include_usage): empty choices. */
    public String usage(String model, Object usage) {
        Map<String, Object> chunk = envelope("chat.completion.chunk", model);
        chunk.put("choices", List.of());
        chunk.put("usage", usage);
        return write(chunk);
    }

    /** The in-band error of a stream that already started: {@code {"error": {...}}}. */
    public String error(OpenAiError error) {
        return write(error.body());
    }

    /** The whole answer of a non-streamed request. */
    public Map<String, Object> completion(String model, String content, Object usage, List<Map<String, Object>> events) {
        return completion(model, content, usage, events, null);
    }

    /** As above, with the path's finish reason ({@code stop} when it gave none). */
    public Map<String, Object> completion(String model, String content, Object usage, List<Map<String, Object>> events,
                                          String finishReason) {
        return completion(model, content, List.of(), null, usage, events, finishReason);
    }

    /**
     * As above, with the LLM's tool calls ({@code message.tool_calls}; the content is null when there is no text)
     * and the tokens' log probabilities ({@code choices[0].logprobs}, null when not asked for).
     */
    public Map<String, Object> completion(String model, String content, List<Map<String, Object>> toolCalls,
                                          Object logprobs, Object usage, List<Map<String, Object>> events,
                                          String finishReason) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", content.isEmpty() && !toolCalls.isEmpty() ? null : content);
        message.put("refusal", null);
        if (!toolCalls.isEmpty()) {
            message.put("tool_calls", toolCalls);
        }
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", logprobs == null ? null : logprobs(logprobs));
        choice.put("finish_reason", finishReason == null ? FINISH_STOP : finishReason);
        Map<String, Object> completion = envelope("chat.completion", model);
        completion.put("choices", List.of(choice));
        completion.put("usage", usage);
        if (events != null) {
            completion.put(EXTENSION_EVENTS, events);
        }
        return completion;
    }

    public static Map<String, Object> event(String type, Object data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("data", data);
        return event;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstChoice(Map<String, Object> chunk) {
        return ((List<Map<String, Object>>) chunk.get("choices")).get(0);
    }

    private Map<String, Object> chunk(String model, Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = envelope("chat.completion.chunk", model);
        chunk.put("choices", List.of(choice));
        if (includeUsage) {
            chunk.put("usage", null); // as OpenAI does: null on every chunk but the usage chunk
        }
        return chunk;
    }

    private Map<String, Object> envelope(String object, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("created", created);
        m.put("model", model);
        return m;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a completion chunk", e);
        }
    }
}
