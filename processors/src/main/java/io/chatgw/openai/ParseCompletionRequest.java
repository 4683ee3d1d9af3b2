package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.StrictJson;
import io.chatgw.core.TextInputs;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.util.Map;
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
        RequestFields.requireJson(contentType);
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

        String model = RequestFields.text(root, "model");
        boolean stream = RequestFields.bool(root, "stream", "stream", false);
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw new InvalidParameter("invalid_type", "'stream_options' must be an object", "stream_options");
            }
            includeUsage = RequestFields.bool(streamOptions, "include_usage", "stream_options.include_usage", false);
            if (!stream) { // as OpenAI answers it
                throw new InvalidParameter("invalid_value", "'stream_options' is only allowed when 'stream' is true",
                        "stream_options");
            }
        }
        String user = RequestFields.user(root);
        SamplingParameters.checkTypes(root);
        ToolParameters.check(root);
        Map<String, Object> parameters = new java.util.LinkedHashMap<>(LlmParameters.of(root, json));
        if (user != null) {
            parameters.put("user", user); // the LLM's abuse monitoring sees the client's end user
        }
        RuntimeEvents runtimeEvents;
        try {
            runtimeEvents = RuntimeEvents.parse(runtimeEventsHeader);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameter("invalid_value", "X-Gateway-Runtime-Events: " + e.getMessage(), null);
        }
        return new CompletionRequest(model, stream, includeUsage, user,
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
}
