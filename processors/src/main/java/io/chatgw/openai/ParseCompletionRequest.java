package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.core.StrictJson;
import io.chatgw.core.TextInputs;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Validates an OpenAI chat completion request and puts what the turn needs on the exchange: the last user
 * message as {@code chatMessage}, the messages before it as {@code chatHistory}, the ones after it (tool calls,
 * tool results, a prefill) as {@code chatContinuation} ({@link CompletionMessages}), and the
 * {@link CompletionRequest}. Every problem is a 400 naming the offending field in {@code param}.
 *
 * <p>The LLM parameters ({@link LlmParameters}, the tools checked by {@link ToolParameters}) are validated and
 * passed to every path; {@code n} must be 1.
 */
@Component("parseCompletionRequest")
public class ParseCompletionRequest implements Processor {

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
        exchange.setProperty(ExchangeKeys.CONTINUATION, request.continuation());
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
        CompletionMessages.Split messages = CompletionMessages.split(messagesNode);

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
        ToolParameters.check(root);
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
                messages.message(), messages.history(), messages.continuation(),
                runtimeEvents == null ? config.runtimeEvents() : runtimeEvents, parameters);
    }

    private JsonNode readObject(byte[] body) {
        try {
            return StrictJson.readObject(json, body);
        } catch (TextInputs.Refused e) {
            throw new InvalidParameter(e.code(), e.getMessage(), e.field()); // the field named in param
        }
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
