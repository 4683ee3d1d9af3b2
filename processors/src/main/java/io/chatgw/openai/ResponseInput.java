package io.chatgw.openai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A response's {@code input} as the chat messages a chat completion carries, split as {@link CompletionMessages}
 * splits them (errors name {@code input[i]} as the client sent it). A string is one user message; a list holds:
 * <ul>
 *   <li>messages ({@code {role, content}}, {@code type: message} optional; content a string or {@code input_text} /
 *       {@code output_text} parts);</li>
 *   <li>{@code function_call} items ({@code call_id}, {@code name}, {@code arguments}): the assistant's tool calls,
 *       joined with the assistant message or calls right before them into one assistant message;</li>
 *   <li>{@code function_call_output} items ({@code call_id}, {@code output}: a string or {@code input_text} parts):
 *       {@code tool} messages;</li>
 *   <li>{@code item_reference} items ({@code id}): a message or function call of a stored response of the caller's,
 *       looked up by {@link Items} and read as if sent.</li>
 * </ul>
 * With {@code previous_response_id} the input is split after the chain's messages ({@link #split(List)}), so it may
 * hold only the outputs of the previous response's function calls.
 */
final class ResponseInput {

    /** Finds a stored response's output item for {@code item_reference}: a message or function_call item. */
    interface Items {
        /** The item, or null if no stored response of the caller's has it. */
        JsonNode find(String id);

        Items NONE = id -> null;
    }

    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");
    private static final TypeReference<List<Map<String, Object>>> MESSAGES = new TypeReference<>() {
    };
    private static final Pattern MESSAGE_INDEX = Pattern.compile("messages\\[(\\d+)]");

    private final ObjectMapper json;
    private final int maxItems;
    private final Items items;
    private final ArrayNode messages;
    /** For each chat message, the input index it was made from (the first, when items were joined). */
    private final List<Integer> source = new ArrayList<>();

    private ResponseInput(ObjectMapper json, int maxItems, Items items) {
        this.json = json;
        this.maxItems = maxItems;
        this.items = items;
        this.messages = json.createArrayNode();
    }

    /** Reads and checks every item of {@code input} (references resolved); {@link #split} then makes the turn of it. */
    static ResponseInput read(JsonNode input, ObjectMapper json, int maxItems, Items items) {
        ResponseInput reader = new ResponseInput(json, maxItems, items);
        reader.read(input);
        return reader;
    }

    /** The input as OpenAI chat messages, in order (what a stored response keeps of its request). */
    List<Map<String, Object>> messages() {
        return json.convertValue(messages, MESSAGES);
    }

    /**
     * The conversation {@code chain} (a previous response's, oldest first) followed by this input, split around the
     * last user message, which may be the chain's (an input of only function_call_output items). The chain's last
     * answer's tool calls must all be answered by this input (as OpenAI requires). Errors name {@code input[i]}, or
     * {@code previous_response_id} for a message of the chain.
     */
    CompletionMessages.Split split(List<Map<String, Object>> chain) {
        ArrayNode all = json.createArrayNode();
        chain.forEach(message -> all.add(json.valueToTree(message)));
        all.addAll(messages);
        requireToolOutputs(chain);
        try {
            return CompletionMessages.split(all);
        } catch (InvalidParameter e) {
            throw new InvalidParameter(e.status(), e.code(), rename(e.getMessage(), chain.size()),
                    rename(e.param(), chain.size()));
        }
    }

    /** Each tool call of the chain's last message, if it is an assistant's, has a tool message in this input. */
    private void requireToolOutputs(List<Map<String, Object>> chain) {
        if (chain.isEmpty() || !(chain.get(chain.size() - 1).get("tool_calls") instanceof List<?> calls)) {
            return;
        }
        Set<String> answered = new HashSet<>();
        messages.forEach(m -> {
            if ("tool".equals(m.path("role").asText())) {
                answered.add(m.path("tool_call_id").asText());
            }
        });
        for (Object call : calls) {
            String id = call instanceof Map<?, ?> c ? String.valueOf(c.get("id")) : "";
            if (!answered.contains(id)) {
                throw new InvalidParameter("invalid_value", "No tool output found for function call " + abbreviate(id)
                        + " of the previous response: send a function_call_output item for it.", "input");
            }
        }
    }

    private void read(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'input' is required", "input");
        }
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            source.add(0);
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidParameter("invalid_type", "'input' must be a string or a non-empty array of messages", "input");
        }
        if (input.size() > maxItems) {
            throw new InvalidParameter("too_many_messages", "'input' holds " + input.size() + " items; at most "
                    + maxItems + " are accepted", "input");
        }
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", i);
        }
    }

    private void item(JsonNode item, String param, int index) {
        if (item == null || !item.isObject()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be an object with 'role' and 'content'", param);
        }
        // an item with only an id is a reference (its type is optional)
        String type = item.path("type").asText(item.has("id") && !item.has("role") ? "item_reference" : "message");
        switch (type) {
            case "message" -> add(message(item, param), index);
            case "function_call" -> functionCall(item, param, index);
            case "function_call_output" -> add(functionCallOutput(item, param), index);
            case "item_reference" -> {
                JsonNode id = item.get("id");
                if (id == null || !id.isTextual()) {
                    throw new InvalidParameter("missing_required_parameter", "'" + param + ".id' is required (a string)",
                            param + ".id");
                }
                JsonNode found = items.find(id.asText());
                if (found == null) {
                    throw new InvalidParameter(404, "item_not_found", "Item with id '" + abbreviate(id.asText())
                            + "' not found.", param + ".id");
                }
                item(found, param, index);
            }
            default -> throw new InvalidParameter("unsupported_value", "'" + param + ".type' is '" + type + "': the "
                    + "gateway's /v1/responses takes messages, function_call, function_call_output and item_reference "
                    + "items", param + ".type");
        }
    }

    private void add(ObjectNode message, int index) {
        messages.add(message);
        source.add(index);
    }

    private ObjectNode message(JsonNode item, String param) {
        JsonNode role = item.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new InvalidParameter("invalid_value", "'" + param + ".role' must be one of user, system, developer, "
                    + "assistant", param + ".role");
        }
        ObjectNode message = json.createObjectNode().put("role", role.asText());
        message.put("content", content(item.get("content"), "assistant".equals(role.asText()) ? "output_text"
                : "input_text", role.asText() + " content", param + ".content"));
        return message;
    }

    /** An assistant tool call, joined with the assistant message (or calls) right before it. */
    private void functionCall(JsonNode item, String param, int index) {
        for (String field : new String[] {"call_id", "name", "arguments"}) {
            if (!item.path(field).isTextual()) {
                throw new InvalidParameter("missing_required_parameter", "'" + param + "." + field + "' is required "
                        + "(a string)", param + "." + field);
            }
        }
        ObjectNode call = json.createObjectNode().put("id", item.get("call_id").asText()).put("type", "function");
        call.putObject("function").put("name", item.get("name").asText()).put("arguments",
                item.get("arguments").asText());
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        ObjectNode assistant;
        if (last != null && "assistant".equals(last.path("role").asText())) {
            assistant = (ObjectNode) last;
        } else {
            assistant = json.createObjectNode().put("role", "assistant");
            assistant.putNull("content");
            add(assistant, index);
        }
        (assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls") : assistant.putArray("tool_calls"))
                .add(call);
    }

    private ObjectNode functionCallOutput(JsonNode item, String param) {
        if (!item.path("call_id").isTextual()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + ".call_id' is required (a string)",
                    param + ".call_id");
        }
        ObjectNode message = json.createObjectNode().put("role", "tool")
                .put("tool_call_id", item.get("call_id").asText());
        message.put("content", content(item.get("output"), "input_text", "a function call's output", param + ".output"));
        return message;
    }

    /** A string, or {@code expected} parts ({@code input_text} / {@code output_text}), joined with newlines. */
    private static String content(JsonNode content, String expected, String what, String param) {
        if (content == null || content.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + "' is required", param);
        }
        return CompletionMessages.textOf(content, param, expected, what + " takes " + expected
                + " parts only (no images, files or audio)");
    }

    /**
     * A chat split's error as the client sent the input: {@code messages[k + 3]} is the input item message 3 came
     * from ({@code k}: the chain's messages before the input; one of those is {@code previous_response_id}'s).
     */
    private String rename(String text, int chained) {
        if (text == null) {
            return null;
        }
        Matcher m = MESSAGE_INDEX.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int i = Integer.parseInt(m.group(1)) - chained;
            m.appendReplacement(out, i < 0 ? "previous_response_id"
                    : "input[" + (i < source.size() ? source.get(i) : i) + "]");
        }
        m.appendTail(out);
        return out.toString().replace("'messages'", "'input'").replace("messages", "input");
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
