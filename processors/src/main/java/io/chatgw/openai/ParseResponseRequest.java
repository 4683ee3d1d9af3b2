package io.chatgw.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Validates a {@code POST /v1/responses} body (OpenAI's Responses API, text in and out) and puts on the exchange
 * what a chat completion's parser would: a {@link CompletionRequest} (the turn's message, the input's earlier
 * messages, a prefill, the LLM parameters) and the {@link ResponseRequest} with the Responses API's own fields.
 * {@code input} is a string or a list of messages ({@code {role, content}}, {@code type: message} optional;
 * content a string or {@code input_text} / {@code output_text} parts). Parameters map to the chat ones the paths
 * already pass on: {@code max_output_tokens} to {@code max_tokens}, {@code text.format} to {@code response_format},
 * {@code temperature}, {@code top_p}, {@code user}. Anything the gateway cannot honour ({@code tools},
 * {@code reasoning}, images, files, ...) is a 400 {@code unsupported_parameter} naming it, an unknown field a 400
 * {@code unknown_parameter}, as OpenAI answers them; nothing is dropped silently.
 */
@Component("parseResponseRequest")
public class ParseResponseRequest implements Processor {

    static final String PREFIX = "resp_";
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "previous_response_id", "store",
            "stream", "stream_options", "max_output_tokens", "temperature", "top_p", "user", "metadata", "text",
            "parallel_tool_calls", "tool_choice", "truncation");
    private static final Set<String> UNSUPPORTED = Set.of("tools", "reasoning", "include", "background", "prompt",
            "conversation", "top_logprobs", "max_tool_calls", "service_tier", "prompt_cache_key", "safety_identifier");
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");
    private static final int MAX_USER_CHARS = 256;
    private static final int MAX_METADATA_KEYS = 16;

    private final ObjectMapper json;
    private final OpenAiProperties config;

    public ParseResponseRequest(ObjectMapper json, OpenAiProperties config) {
        this.json = json;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        Parsed parsed = parse(exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class),
                exchange.getIn().getBody(byte[].class));
        exchange.setProperty(OpenAiKeys.COMPLETION_REQUEST, parsed.completion());
        exchange.setProperty(OpenAiKeys.RESPONSE_REQUEST, parsed.response());
        exchange.setProperty(ExchangeKeys.MESSAGE, parsed.completion().message());
        exchange.setProperty(ExchangeKeys.CONTINUATION, parsed.completion().continuation());
        exchange.setProperty(ExchangeKeys.LLM_PARAMETERS, parsed.completion().parameters());
    }

    /** Both views of one request. */
    public record Parsed(CompletionRequest completion, ResponseRequest response) {
    }

    public Parsed parse(String contentType, byte[] body) {
        if (contentType != null && !contentType.isBlank()
                && !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type", "Content-Type must be application/json, was "
                    + contentType);
        }
        JsonNode root = readObject(body);
        root.fieldNames().forEachRemaining(name -> {
            if (UNSUPPORTED.contains(name) && !root.get(name).isNull()) {
                throw new InvalidParameter("unsupported_parameter", "'" + name + "' is not supported by the gateway's "
                        + "/v1/responses (text input and output only; tools work on /v1/chat/completions)", name);
            }
            if (!KNOWN.contains(name) && !UNSUPPORTED.contains(name)) {
                throw new InvalidParameter("unknown_parameter", "Unknown parameter: '" + name + "'.", name);
            }
        });
        String model = text(root, "model");
        boolean stream = bool(root, "stream", false);
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!stream) {
                throw new InvalidParameter("invalid_value", "'stream_options' is only allowed when 'stream' is true",
                        "stream_options");
            }
            if (!streamOptions.isObject()) {
                throw new InvalidParameter("invalid_type", "'stream_options' must be an object", "stream_options");
            }
            bool(streamOptions, "include_obfuscation", false); // no obfuscation fields are sent either way
        }
        boolean store = bool(root, "store", true);
        String instructions = text(root, "instructions");
        String previousId = text(root, "previous_response_id");
        java.util.UUID previous = previousId == null ? null : responseId(previousId);
        String user = text(root, "user");
        if (user != null && user.length() > MAX_USER_CHARS) {
            throw new InvalidParameter("invalid_value", "'user' must be at most " + MAX_USER_CHARS + " characters", "user");
        }
        CompletionMessages.Split messages = split(input(root.get("input")));

        ObjectNode chat = json.createObjectNode(); // the chat completion parameters these stand for
        number(root, "temperature", 0, 2, chat, "temperature");
        number(root, "top_p", 0, 1, chat, "top_p");
        JsonNode maxTokens = root.get("max_output_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1 || maxTokens.asLong() > Integer.MAX_VALUE) {
                throw new InvalidParameter("invalid_value", "'max_output_tokens' must be a positive integer",
                        "max_output_tokens");
            }
            chat.set("max_tokens", maxTokens);
        }
        JsonNode format = textFormat(root.get("text"));
        if (format != null) {
            chat.set("response_format", format);
        }
        toolSettings(root);
        truncation(root.get("truncation"));
        Map<String, Object> metadata = metadata(root.get("metadata"));
        Map<String, Object> parameters = new LinkedHashMap<>(LlmParameters.of(chat, json));
        if (user != null && !user.isBlank()) {
            parameters.put("user", user);
        }
        Map<String, Object> echoed = new LinkedHashMap<>();
        for (String name : new String[] {"temperature", "top_p", "max_output_tokens", "text", "user", "truncation",
                "parallel_tool_calls", "tool_choice"}) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull()) {
                echoed.put(name, json.convertValue(value, Object.class));
            }
        }
        echoed.put("metadata", metadata);
        CompletionRequest completion = new CompletionRequest(model, stream, false, user == null || user.isBlank()
                ? null : user, messages.message(), messages.history(), messages.continuation(), RuntimeEvents.OMIT,
                parameters);
        return new Parsed(completion, new ResponseRequest(store, previous, previousId, instructions, echoed));
    }

    /** {@code resp_} and the turn's request id without dashes (what {@link ResponseObjects} names responses). */
    static java.util.UUID responseId(String id) {
        String hex = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : "";
        if (!hex.matches("[0-9a-f]{32}")) {
            throw new InvalidParameter("invalid_value", "Invalid 'previous_response_id': '" + abbreviate(id)
                    + "'. Expected an ID that begins with 'resp_' (as this gateway names its responses).",
                    "previous_response_id");
        }
        return new java.util.UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16), 16));
    }

    /** {@code input} as chat messages: a string is one user message. */
    private ArrayNode input(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'input' is required", "input");
        }
        ArrayNode messages = json.createArrayNode();
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return messages;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidParameter("invalid_type", "'input' must be a string or a non-empty array of messages", "input");
        }
        if (input.size() > config.maxMessages()) {
            throw new InvalidParameter("too_many_messages", "'input' holds " + input.size() + " items; at most "
                    + config.maxMessages() + " are accepted", "input");
        }
        for (int i = 0; i < input.size(); i++) {
            messages.add(message(input.get(i), "input[" + i + "]"));
        }
        return messages;
    }

    private ObjectNode message(JsonNode item, String param) {
        if (item == null || !item.isObject()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be an object with 'role' and 'content'", param);
        }
        String type = item.path("type").asText("message");
        if (!"message".equals(type)) {
            throw new InvalidParameter("unsupported_value", "'" + param + ".type' is '" + type + "': the gateway's "
                    + "/v1/responses takes messages only (function calls and other items are not supported)",
                    param + ".type");
        }
        JsonNode role = item.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new InvalidParameter("invalid_value", "'" + param + ".role' must be one of user, system, developer, "
                    + "assistant", param + ".role");
        }
        ObjectNode message = json.createObjectNode().put("role", role.asText());
        message.put("content", content(item.get("content"), role.asText(), param + ".content"));
        return message;
    }

    /** A string, or {@code input_text} (user, system, developer) / {@code output_text} (assistant) parts, joined. */
    private static String content(JsonNode content, String role, String param) {
        if (content == null || content.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + "' is required", param);
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be a string or an array of text parts", param);
        }
        String expected = "assistant".equals(role) ? "output_text" : "input_text";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String p = param + "[" + i + "]";
            String type = part == null ? "" : part.path("type").asText("");
            if (!expected.equals(type)) {
                throw new InvalidParameter("unsupported_content", "'" + p + ".type' is '" + type + "': " + role
                        + " content takes " + expected + " parts only (no images, files or audio)", p + ".type");
            }
            if (!part.path("text").isTextual()) {
                throw new InvalidParameter("invalid_type", "'" + p + ".text' must be a string", p + ".text");
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    /** The chat split of the messages, its errors naming {@code input} (the indices are the same). */
    private static CompletionMessages.Split split(ArrayNode messages) {
        try {
            return CompletionMessages.split(messages);
        } catch (InvalidParameter e) {
            throw new InvalidParameter(e.status(), e.code(), e.getMessage().replace("'messages'", "'input'")
                    .replace("messages[", "input["), e.param() == null ? null : e.param().replace("messages", "input"));
        }
    }

    /** {@code text.format} as a chat {@code response_format}; null for plain text. */
    private JsonNode textFormat(JsonNode text) {
        if (text == null || text.isNull()) {
            return null;
        }
        if (!text.isObject()) {
            throw new InvalidParameter("invalid_type", "'text' must be an object", "text");
        }
        text.fieldNames().forEachRemaining(name -> {
            if (!"format".equals(name) && !("verbosity".equals(name) && text.get(name).isNull())) {
                throw new InvalidParameter("unsupported_parameter", "'text." + name + "' is not supported", "text." + name);
            }
        });
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return null;
        }
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return json.createObjectNode().put("type", "json_object");
            }
            case "json_schema" -> {
                if (!format.path("name").isTextual() || format.get("name").asText().isBlank()) {
                    throw new InvalidParameter("missing_required_parameter", "'text.format.name' is required",
                            "text.format.name");
                }
                if (!format.path("schema").isObject()) {
                    throw new InvalidParameter("missing_required_parameter", "'text.format.schema' must be an object",
                            "text.format.schema");
                }
                ObjectNode schema = json.createObjectNode();
                for (String field : new String[] {"name", "description", "schema", "strict"}) {
                    if (format.hasNonNull(field)) {
                        schema.set(field, format.get(field));
                    }
                }
                ObjectNode out = json.createObjectNode().put("type", "json_schema");
                out.set("json_schema", schema);
                return out;
            }
            default -> throw new InvalidParameter("invalid_value",
                    "'text.format.type' must be 'text', 'json_object' or 'json_schema'", "text.format.type");
        }
    }

    /** Without tools, {@code tool_choice} may only be auto or none, and {@code parallel_tool_calls} changes nothing. */
    private static void toolSettings(JsonNode root) {
        JsonNode choice = root.get("tool_choice");
        if (choice != null && !choice.isNull() && !("auto".equals(choice.asText()) || "none".equals(choice.asText()))) {
            throw new InvalidParameter("unsupported_value", "'tool_choice' must be 'auto' or 'none': the gateway's "
                    + "/v1/responses takes no tools", "tool_choice");
        }
        JsonNode parallel = root.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'parallel_tool_calls' must be a boolean", "parallel_tool_calls");
        }
    }

    /** {@code auto} or {@code disabled}; either way the history is cut by gateway.conversations' bounds. */
    private static void truncation(JsonNode truncation) {
        if (truncation != null && !truncation.isNull()
                && !("auto".equals(truncation.asText()) || "disabled".equals(truncation.asText()))) {
            throw new InvalidParameter("invalid_value", "'truncation' must be 'auto' or 'disabled'", "truncation");
        }
    }

    private Map<String, Object> metadata(JsonNode metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (metadata == null || metadata.isNull()) {
            return out;
        }
        if (!metadata.isObject() || metadata.size() > MAX_METADATA_KEYS) {
            throw new InvalidParameter("invalid_value", "'metadata' must be an object of at most " + MAX_METADATA_KEYS
                    + " string values", "metadata");
        }
        metadata.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getKey().length() > 64 || e.getValue().asText().length() > 512) {
                throw new InvalidParameter("invalid_value", "'metadata." + abbreviate(e.getKey()) + "' must be a string"
                        + " of at most 512 characters (keys at most 64)", "metadata");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static void number(JsonNode root, String name, double min, double max, ObjectNode chat, String chatName) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a number", name);
        }
        if (value.asDouble() < min || value.asDouble() > max) {
            throw new InvalidParameter("invalid_value", "'" + name + "' must be between " + (int) min + " and "
                    + (int) max, name);
        }
        chat.set(chatName, value);
    }

    private JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidParameter("missing_body", "request body is empty; expected a response request", null);
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidParameter("malformed_json", "body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new InvalidParameter("malformed_json", "body is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidParameter("malformed_json", "body must be a JSON object", null);
        }
        return node;
    }

    private static String text(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a string", name);
        }
        return value.asText();
    }

    private static boolean bool(JsonNode parent, String name, boolean otherwise) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a boolean", name);
        }
        return value.asBoolean();
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
