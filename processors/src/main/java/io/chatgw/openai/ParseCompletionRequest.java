package io.chatgw.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Validates an OpenAI chat completion request and puts what the turn needs on the exchange: the last
 * message (which must be the user's) as {@code chatMessage}, the ones before it as {@code chatHistory}, and
 * the {@link CompletionRequest}. Every problem is a 400 naming the offending field in {@code param}.
 *
 * <p>Roles: {@code system}, {@code developer} (sent on as {@code system}), {@code user}, {@code assistant}.
 * {@code tool}/{@code function} messages and {@code tools}/{@code functions} are refused: this endpoint
 * never returns tool calls. Content is a string or an array of {@code text} parts. The LLM parameters
 * ({@link LlmParameters}) are validated and passed to every path; {@code n} must be 1.
 */
@Component("parseCompletionRequest")
public class ParseCompletionRequest implements Processor {

    static final String SYSTEM = "system";
    static final String DEVELOPER = "developer";
    static final String USER = "user";
    static final String ASSISTANT = "assistant";
    private static final Set<String> ROLES = Set.of(SYSTEM, DEVELOPER, USER, ASSISTANT);
    private static final Set<String> NUMBERS = Set.of("temperature", "top_p", "presence_penalty", "frequency_penalty");
    private static final Set<String> INTEGERS = Set.of("max_tokens", "max_completion_tokens", "seed", "n",
            "top_logprobs");
    private static final int MAX_USER_CHARS = 256;

    private final ObjectMapper json;
    private final OpenAiProperties config;

    public ParseCompletionRequest(ObjectMapper json, OpenAiProperties config) {
        this.json = json;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        CompletionRequest request = parse(exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class),
                exchange.getIn().getBody(byte[].class),
                exchange.getIn().getHeader(OpenAiKeys.RUNTIME_EVENTS_HEADER, String.class));
        exchange.setProperty(OpenAiKeys.COMPLETION_REQUEST, request);
        exchange.setProperty(ExchangeKeys.MESSAGE, request.message());
        exchange.setProperty(ExchangeKeys.HISTORY, request.history());
        exchange.setProperty(ExchangeKeys.LLM_PARAMETERS, request.parameters());
    }

    public CompletionRequest parse(String contentType, byte[] body, String runtimeEventsHeader) {
        if (contentType != null && !contentType.isBlank()
                && !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type", "Content-Type must be application/json, was "
                    + contentType);
        }
        if (body == null || body.length == 0) {
            throw new InvalidParameter("missing_body", "request body is empty; expected a chat completion request", null);
        }
        JsonNode root = readObject(body);

        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || messagesNode.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'messages' is required", "messages");
        }
        if (!messagesNode.isArray()) {
            throw new InvalidParameter("invalid_type", "'messages' must be an array of {role, content} objects", "messages");
        }
        if (messagesNode.isEmpty()) {
            throw new InvalidParameter("empty_array", "'messages' must contain at least one message", "messages");
        }
        if (messagesNode.size() > config.maxMessages()) {
            throw new InvalidParameter("too_many_messages", "'messages' holds " + messagesNode.size()
                    + " entries; at most " + config.maxMessages() + " are accepted", "messages");
        }
        List<Map<String, String>> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        Map<String, String> last = messages.get(messages.size() - 1);
        int lastIndex = messages.size() - 1;
        if (!USER.equals(last.get("role"))) {
            throw new InvalidParameter("invalid_value", "the last message must have role 'user' (it was '"
                    + messagesNode.get(lastIndex).get("role").asText() + "')", "messages[" + lastIndex + "].role");
        }
        if (last.get("content").isBlank()) {
            throw new InvalidParameter("empty_message", "the last user message must not be empty",
                    "messages[" + lastIndex + "].content");
        }

        String model = optionalText(root, "model");
        boolean stream = optionalBoolean(root, "stream", "stream");
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw new InvalidParameter("invalid_type", "'stream_options' must be an object", "stream_options");
            }
            includeUsage = optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage");
            if (!stream) { // as OpenAI answers it
                throw new InvalidParameter("invalid_value", "'stream_options' is only allowed when 'stream' is true",
                        "stream_options");
            }
        }
        String user = optionalText(root, "user");
        if (user != null && user.length() > MAX_USER_CHARS) {
            throw new InvalidParameter("invalid_value", "'user' must be at most " + MAX_USER_CHARS + " characters", "user");
        }
        checkSamplingParameters(root);
        Map<String, Object> parameters = new java.util.LinkedHashMap<>(LlmParameters.of(root, json));
        if (user != null && !user.isBlank()) {
            parameters.put("user", user); // the LLM's abuse monitoring sees the client's end user
        }
        RuntimeEvents runtimeEvents;
        try {
            runtimeEvents = RuntimeEvents.parse(runtimeEventsHeader);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameter("invalid_value", "X-Gateway-Runtime-Events: " + e.getMessage(), null);
        }
        return new CompletionRequest(model, stream, includeUsage, user == null || user.isBlank() ? null : user,
                last.get("content"), List.copyOf(messages.subList(0, lastIndex)),
                runtimeEvents == null ? config.runtimeEvents() : runtimeEvents, parameters);
    }

    private JsonNode readObject(byte[] body) {
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

    /** One message as {role, content}: role checked, content reduced to its text. */
    private static Map<String, String> message(JsonNode node, String param) {
        if (node == null || !node.isObject()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be an object with 'role' and 'content'", param);
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || roleNode.isNull()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + ".role' is required", param + ".role");
        }
        if (!roleNode.isTextual()) {
            throw new InvalidParameter("invalid_type", "'" + param + ".role' must be a string", param + ".role");
        }
        String role = roleNode.asText();
        if ("tool".equals(role) || "function".equals(role)) {
            throw new InvalidParameter("invalid_role", "'" + param + ".role' is '" + role
                    + "': this endpoint does not return tool calls, so it accepts no tool results", param + ".role");
        }
        if (!ROLES.contains(role)) {
            throw new InvalidParameter("invalid_role", "'" + param + ".role' must be one of system, developer, user, "
                    + "assistant (was '" + role + "')", param + ".role");
        }
        String content = content(node.get("content"), role, param + ".content");
        return Map.of("role", DEVELOPER.equals(role) ? SYSTEM : role, "content", content);
    }

    /** A string, or an array of {type: text, text} parts (joined with newlines); assistants may send null. */
    private static String content(JsonNode content, String role, String param) {
        if (content == null || content.isNull()) {
            if (ASSISTANT.equals(role)) {
                return "";
            }
            throw new InvalidParameter("missing_required_parameter", "'" + param + "' is required", param);
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be a string or an array of text parts", param);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (part == null || !part.isObject()) {
                throw new InvalidParameter("invalid_type", "'" + partParam + "' must be an object", partParam);
            }
            String type = part.path("type").asText("");
            if (!"text".equals(type)) {
                throw new InvalidParameter("unsupported_content", "'" + partParam + ".type' is '" + type
                        + "': only text parts are supported", partParam + ".type");
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isTextual()) {
                throw new InvalidParameter("invalid_type", "'" + partParam + ".text' must be a string", partParam + ".text");
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(partText.asText());
        }
        return text.toString();
    }

    private static void checkSamplingParameters(JsonNode root) {
        for (String name : NUMBERS) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull() && !value.isNumber()) {
                throw new InvalidParameter("invalid_type", "'" + name + "' must be a number", name);
            }
        }
        for (String name : INTEGERS) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull() && !value.isIntegralNumber()) {
                throw new InvalidParameter("invalid_type", "'" + name + "' must be an integer", name);
            }
        }
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && n.asInt() != 1) {
            throw new InvalidParameter("unsupported_value", "'n' must be 1: the gateway returns one choice", "n");
        }
        JsonNode stop = root.get("stop");
        if (stop != null && !stop.isNull() && !stop.isTextual() && !stop.isArray()) {
            throw new InvalidParameter("invalid_type", "'stop' must be a string or an array of strings", "stop");
        }
        for (String name : List.of("tools", "functions")) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                throw new InvalidParameter("unsupported_parameter", "'" + name
                        + "' is not supported: the gateway's paths run their own tools and never return tool calls", name);
            }
        }
    }

    private static String optionalText(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a string", name);
        }
        return value.asText();
    }

    private static boolean optionalBoolean(JsonNode parent, String name, String param) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be a boolean", param);
        }
        return value.asBoolean();
    }
}
