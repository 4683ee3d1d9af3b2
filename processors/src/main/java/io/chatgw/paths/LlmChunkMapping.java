package io.chatgw.paths;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.ReportedValues;
import io.chatgw.upstream.SseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps an OpenAI-compatible streamed chat completion onto chat events: each {@code choices[0].delta.content}
 * becomes a {@code text} event (with the chunk's {@code logprobs.content} as {@code logprobs}, when the LLM sent
 * them); the {@code delta.tool_calls} fragments are assembled per {@code index} and published as one
 * {@code tool_call} event each ({index, id, name, arguments}) once the LLM says why it stopped (or at
 * {@code [DONE]}); {@code usage} is read from whichever chunk carries it (normally the last, with empty choices,
 * when {@code stream_options.include_usage} is set); {@code [DONE]} finishes; an {@code error} object fails the
 * turn with {@code llm_error}. One mapping per answer: it keeps the tool calls in progress. A plain text chunk (the
 * common one) is read by {@link TextDeltaScan} without a JSON tree; every other chunk from its tree.
 */
public final class LlmChunkMapping {

    private final ObjectMapper json;
    /** Tool calls being assembled, by index, in the order they started. */
    private final Map<Integer, ToolCallParts> toolCalls = new TreeMap<>();

    public LlmChunkMapping(ObjectMapper json) {
        this.json = json;
    }

    public List<PathOutcome> map(SseEvent event) {
        String payload = event.data().trim();
        if ("[DONE]".equals(payload)) {
            List<PathOutcome> outcomes = new ArrayList<>(toolCallEvents());
            outcomes.add(new PathOutcome.Finished());
            return outcomes;
        }
        String text = TextDeltaScan.llmContent(json, payload); // the common chunk: its text without a tree
        if (text != null) {
            return text.isEmpty() ? List.of() : List.of(textEvent(text));
        }
        return mapTree(payload);
    }

    /** A chunk other than {@code [DONE]}, read from its JSON tree (every shape; the scan's reference). */
    List<PathOutcome> mapTree(String payload) {
        JsonNode chunk;
        try {
            chunk = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return List.of(new PathOutcome.Failed("upstream_error", "LLM sent a chunk that is not JSON"));
        }
        if (chunk.hasNonNull("error")) {
            JsonNode error = chunk.get("error");
            return List.of(new PathOutcome.Failed("llm_error", "LLM reported an error: "
                    + (error.isObject() ? error.path("message").asText(error.toString()) : error.asText())));
        }
        List<PathOutcome> outcomes = new ArrayList<>(2);
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode content = choice.path("delta").path("content");
        if (content.isTextual() && !content.asText().isEmpty()) {
            PathOutcome.Publish text = textEvent(content.asText());
            JsonNode logprobs = choice.path("logprobs").path("content");
            if (logprobs.isArray()) {
                text.data().put("logprobs", json.convertValue(logprobs, List.class));
            }
            outcomes.add(text);
        }
        JsonNode calls = choice.path("delta").path("tool_calls");
        if (calls.isArray()) {
            for (JsonNode call : calls) {
                int index = call.path("index").asInt(toolCalls.size());
                toolCalls.computeIfAbsent(index, i -> new ToolCallParts()).add(call);
            }
        }
        JsonNode finish = choice.path("finish_reason");
        if (finish.isTextual()) {
            outcomes.addAll(toolCallEvents());
            outcomes.add(new PathOutcome.Report(null, null, finish.asText()));
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            outcomes.add(PathOutcome.Report.of(ReportedValues.usage(usage, "prompt_tokens", "completion_tokens"),
                    chunk.path("model").asText(null), null));
        }
        return outcomes;
    }

    private static PathOutcome.Publish textEvent(String delta) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("delta", delta);
        return new PathOutcome.Publish(ChatEventTypes.TEXT, data);
    }

    /** The assembled tool calls as {@code tool_call} events, once (numbered 0.. in index order). */
    private List<PathOutcome> toolCallEvents() {
        List<PathOutcome> events = new ArrayList<>(toolCalls.size());
        int index = 0;
        for (ToolCallParts call : toolCalls.values()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("index", index);
            data.put("id", call.id != null ? call.id : "call_" + index);
            index++;
            data.put("name", call.name.toString());
            data.put("arguments", call.arguments.toString());
            events.add(new PathOutcome.Publish(ChatEventTypes.TOOL_CALL, data));
        }
        toolCalls.clear();
        return events;
    }

    /** One tool call's fragments: the id and name come once (the name possibly in pieces), the arguments in pieces. */
    private static final class ToolCallParts {
        private String id;
        private final StringBuilder name = new StringBuilder();
        private final StringBuilder arguments = new StringBuilder();

        void add(JsonNode fragment) {
            if (fragment.path("id").isTextual() && id == null) {
                id = fragment.get("id").asText();
            }
            JsonNode function = fragment.path("function");
            if (function.path("name").isTextual()) {
                name.append(function.get("name").asText());
            }
            if (function.path("arguments").isTextual()) {
                arguments.append(function.get("arguments").asText());
            }
        }
    }
}
