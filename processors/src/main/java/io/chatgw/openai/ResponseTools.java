package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A response's function tools as the chat completion tools every path already passes on: {@code tools} of type
 * {@code function} ({@code {type, name, description, parameters, strict}}) become
 * {@code {type: function, function: {...}}}, {@code tool_choice} {@code {type: function, name}} becomes
 * {@code {type: function, function: {name}}}, and {@link ToolParameters} checks them as it checks a chat
 * completion's (its errors name the Responses fields). Other tool types (web search, file search, MCP, ...) are a
 * 400 {@code unsupported_value}. Without tools, {@code tool_choice} may only be auto or none and
 * {@code parallel_tool_calls} changes nothing (both dropped).
 */
final class ResponseTools {

    private ResponseTools() {
    }

    /** Sets {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} of {@code chat} from {@code root}. */
    static void read(JsonNode root, ObjectNode chat, ObjectMapper json) {
        JsonNode tools = root.get("tools");
        JsonNode choice = root.get("tool_choice");
        JsonNode parallel = root.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'parallel_tool_calls' must be a boolean", "parallel_tool_calls");
        }
        if (tools == null || tools.isNull() || (tools.isArray() && tools.isEmpty())) {
            if (choice != null && !choice.isNull() && !("auto".equals(choice.asText()) || "none".equals(choice.asText()))) {
                throw new InvalidParameter("unsupported_value", "'tool_choice' must be 'auto' or 'none' when no 'tools' "
                        + "are given", "tool_choice");
            }
            return;
        }
        if (!tools.isArray()) {
            throw new InvalidParameter("invalid_type", "'tools' must be an array of function tools", "tools");
        }
        ArrayNode chatTools = chat.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText("");
            if (!"function".equals(type)) {
                throw new InvalidParameter("unsupported_value", "'tools[" + i + "].type' is '" + type + "': the "
                        + "gateway's /v1/responses takes function tools only", "tools[" + i + "].type");
            }
            ObjectNode function = json.createObjectNode();
            tool.fields().forEachRemaining(field -> {
                if (!"type".equals(field.getKey())) {
                    function.set(field.getKey(), field.getValue());
                }
            });
            chatTools.addObject().put("type", "function").set("function", function);
        }
        if (choice != null && !choice.isNull()) {
            if (choice.isObject() && "function".equals(choice.path("type").asText())) {
                ObjectNode named = chat.putObject("tool_choice").put("type", "function");
                named.putObject("function").set("name", choice.get("name"));
            } else if (choice.isObject()) {
                throw new InvalidParameter("unsupported_value", "'tool_choice.type' must be 'function' (the gateway's "
                        + "/v1/responses takes function tools only)", "tool_choice.type");
            } else {
                chat.set("tool_choice", choice);
            }
        }
        if (parallel != null && !parallel.isNull()) {
            chat.set("parallel_tool_calls", parallel);
        }
        try {
            ToolParameters.check(chat);
        } catch (InvalidParameter e) { // named as the client sent them: tools[0].name, not tools[0].function.name
            throw new InvalidParameter(e.status(), e.code(), e.getMessage().replace(".function.", "."),
                    e.param() == null ? null : e.param().replace(".function.", "."));
        }
    }
}
