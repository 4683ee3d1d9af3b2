package io.chatgw.paths;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.ReportedValues;
import io.chatgw.upstream.SseEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the legacy runtime's own event vocabulary onto the chat API's events:
 * <pre>
 *  run_started             -> (model noted)
 *  plan {step,title}       -> plan_step {step,title}
 *  tool_call kind=skill    -> skill_call {call_id,name,arguments}
 *  tool_call kind=mcp      -> mcp_call   {call_id,name,arguments}
 *  tool_output kind=skill  -> skill_result {call_id,name,output}
 *  tool_output kind=mcp    -> mcp_result   {call_id,name,output}
 *  token {text, logprobs?} -> text {delta, logprobs?}
 *  llm_tool_call {index,id,name,arguments}
 *                          -> tool_call {index,id,name,arguments}  (the LLM's call of a client's tool)
 *  run_finished {usage}    -> usage noted, answer finished
 *  run_failed {code,msg}   -> error runtime_error
 * </pre>
 * A {@code token} without logprobs (the common event) is read by {@link TextDeltaScan} without a JSON tree.
 */
public final class LegacyEventMapping {

    private final ObjectMapper json;

    public LegacyEventMapping(ObjectMapper json) {
        this.json = json;
    }

    public List<PathOutcome> map(SseEvent event) {
        if ("token".equals(event.event())) {
            String text = TextDeltaScan.legacyText(json, event.data()); // the common token: its text without a tree
            if (text != null) {
                return List.of(publish(ChatEventTypes.TEXT, "delta", text));
            }
        }
        return mapTree(event);
    }

    /** An event read from its data's JSON tree (every event and shape; the scan's reference). */
    List<PathOutcome> mapTree(SseEvent event) {
        JsonNode data;
        try {
            data = json.readTree(event.data());
        } catch (JsonProcessingException e) {
            return List.of(new PathOutcome.Failed("upstream_error",
                    "legacy runtime sent a " + event.event() + " event whose data is not JSON"));
        }
        return switch (event.event()) {
            case "run_started" -> List.of(new PathOutcome.Report(null, text(data, "model")));
            case "plan" -> List.of(publish(ChatEventTypes.PLAN_STEP,
                    "step", data.path("step").asInt(), "title", text(data, "title")));
            case "tool_call" -> toolEvent(data, ChatEventTypes.SKILL_CALL, ChatEventTypes.MCP_CALL, "arguments");
            case "tool_output" -> toolEvent(data, ChatEventTypes.SKILL_RESULT, ChatEventTypes.MCP_RESULT, "output");
            case "token" -> List.of(data.path("logprobs").isArray()
                    ? publish(ChatEventTypes.TEXT, "delta", text(data, "text"),
                            "logprobs", json.convertValue(data.get("logprobs"), List.class))
                    : publish(ChatEventTypes.TEXT, "delta", text(data, "text")));
            case "llm_tool_call" -> List.of(publish(ChatEventTypes.TOOL_CALL, "index", data.path("index").asInt(0),
                    "id", text(data, "id"), "name", text(data, "name"), "arguments", data.path("arguments").asText("")));
            case "run_finished" -> List.of(
                    PathOutcome.Report.of(ReportedValues.usage(data.get("usage"), "input_tokens", "output_tokens"),
                            text(data, "model"), text(data, "finish_reason")),
                    new PathOutcome.Finished());
            case "run_failed" -> List.of(new PathOutcome.Failed("runtime_error",
                    "legacy runtime failed (" + data.path("code").asText("unknown") + "): "
                            + data.path("message").asText("")));
            default -> List.of(new PathOutcome.Ignored(event.event()));
        };
    }

    private List<PathOutcome> toolEvent(JsonNode data, String skillType, String mcpType, String payloadField) {
        String kind = data.path("kind").asText("");
        String type = switch (kind) {
            case "skill" -> skillType;
            case "mcp" -> mcpType;
            default -> null;
        };
        if (type == null) {
            return List.of(new PathOutcome.Ignored("tool event of kind '" + kind + "'"));
        }
        return List.of(publish(type, "call_id", text(data, "call_id"), "name", text(data, "name"),
                payloadField, json.convertValue(data.path(payloadField), Object.class)));
    }

    private static PathOutcome.Publish publish(String type, Object... keyValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            data.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new PathOutcome.Publish(type, data);
    }

    private static String text(JsonNode data, String field) {
        JsonNode node = data.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
