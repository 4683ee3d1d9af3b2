package io.chatgw.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Validates a {@code POST /v1/responses} body (OpenAI's Responses API: text and function tools) and puts on the
 * exchange what a chat completion's parser would: a {@link CompletionRequest} (the turn's message, the input's
 * earlier messages, tool calls and results after it, a prefill, the LLM parameters; with {@code previous_response_id}
 * the messages are split by {@link ResolveResponseSession}, after the chain) and the {@link ResponseRequest} with the
 * Responses API's own fields. {@code input} is read by {@link ResponseInput} (messages, function calls and
 * their outputs, item references). Parameters map to the chat ones the paths already pass on:
 * {@code max_output_tokens} to {@code max_tokens}, {@code text.format} to {@code response_format}
 * ({@link ResponseFormat}), function {@code tools} and {@code tool_choice} to the chat ones ({@link ResponseTools}),
 * {@code temperature}, {@code top_p}, {@code user}. Anything the gateway cannot honour ({@code reasoning},
 * {@code include}, images, files, hosted tools, ...) is a 400 {@code unsupported_parameter} naming it, an unknown field a 400
 * {@code unknown_parameter}, as OpenAI answers them; nothing is dropped silently.
 */
@Component("parseResponseRequest")
public class ParseResponseRequest implements Processor {

    static final String PREFIX = "resp_";
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "previous_response_id", "store",
            "stream", "stream_options", "max_output_tokens", "temperature", "top_p", "user", "metadata", "text",
            "tools", "parallel_tool_calls", "tool_choice", "truncation");
    private static final Set<String> UNSUPPORTED = Set.of("reasoning", "include", "background", "prompt",
            "conversation", "top_logprobs", "max_tool_calls", "service_tier", "prompt_cache_key", "safety_identifier");
    private static final int MAX_METADATA_KEYS = 16;

    private final ObjectMapper json;
    private final OpenAiProperties config;
    private final StoredResponses stored;

    @Autowired
    public ParseResponseRequest(ObjectMapper json, OpenAiProperties config, StoredResponses stored) {
        this.json = json;
        this.config = config;
        this.stored = stored;
    }

    /** Without stored responses: every {@code item_reference} is not found. */
    public ParseResponseRequest(ObjectMapper json, OpenAiProperties config) {
        this(json, config, null);
    }

    @Override
    public void process(Exchange exchange) {
        Parsed parsed = parse(exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class),
                exchange.getIn().getBody(byte[].class), stored == null ? ResponseInput.Items.NONE
                        : stored.items(exchange.getProperty(ExchangeKeys.CALLER, Caller.class)));
        exchange.setProperty(OpenAiKeys.COMPLETION_REQUEST, parsed.completion());
        exchange.setProperty(OpenAiKeys.RESPONSE_REQUEST, parsed.response());
        exchange.setProperty(ExchangeKeys.LLM_PARAMETERS, parsed.completion().parameters());
    }

    /** Both views of one request. */
    public record Parsed(CompletionRequest completion, ResponseRequest response) {
    }

    public Parsed parse(String contentType, byte[] body) {
        return parse(contentType, body, ResponseInput.Items.NONE);
    }

    /** @param items the stored output items an {@code item_reference} may name */
    public Parsed parse(String contentType, byte[] body, ResponseInput.Items items) {
        RequestFields.requireJson(contentType);
        JsonNode root = readObject(body);
        root.fieldNames().forEachRemaining(name -> {
            if (UNSUPPORTED.contains(name) && !root.get(name).isNull()) {
                throw new InvalidParameter("unsupported_parameter", "'" + name + "' is not supported by the gateway's "
                        + "/v1/responses", name);
            }
            if (!KNOWN.contains(name) && !UNSUPPORTED.contains(name)) {
                throw new InvalidParameter("unknown_parameter", "Unknown parameter: '" + name + "'.", name);
            }
        });
        String model = RequestFields.text(root, "model");
        boolean stream = RequestFields.bool(root, "stream", "stream", false);
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!stream) {
                throw new InvalidParameter("invalid_value", "'stream_options' is only allowed when 'stream' is true",
                        "stream_options");
            }
            if (!streamOptions.isObject()) {
                throw new InvalidParameter("invalid_type", "'stream_options' must be an object", "stream_options");
            }
            RequestFields.bool(streamOptions, "include_obfuscation", "include_obfuscation", false); // no obfuscation fields are sent either way
        }
        boolean store = RequestFields.bool(root, "store", "store", true);
        String instructions = RequestFields.text(root, "instructions");
        String previousId = RequestFields.text(root, "previous_response_id");
        java.util.UUID previous = previousId == null ? null : responseId(previousId);
        String user = RequestFields.user(root);
        ResponseInput input = ResponseInput.read(root.get("input"), json, config.maxMessages(), items);
        // continuing a response, the input is split after its chain (it may answer the chain's function calls only)
        CompletionMessages.Split messages = previous == null ? input.split(List.of()) : null;

        ObjectNode chat = json.createObjectNode(); // the chat completion parameters these stand for
        SamplingParameters.copyNumbers(root, chat, "temperature", "top_p");
        JsonNode maxTokens = root.get("max_output_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1 || maxTokens.asLong() > Integer.MAX_VALUE) {
                throw new InvalidParameter("invalid_value", "'max_output_tokens' must be a positive integer",
                        "max_output_tokens");
            }
            chat.set("max_tokens", maxTokens);
        }
        JsonNode format = ResponseFormat.ofText(root.get("text"), json);
        if (format != null) {
            chat.set("response_format", format);
        }
        ResponseTools.read(root, chat, json);
        truncation(root.get("truncation"));
        Map<String, Object> metadata = metadata(root.get("metadata"));
        Map<String, Object> parameters = new LinkedHashMap<>(LlmParameters.of(chat, json));
        if (user != null) {
            parameters.put("user", user);
        }
        Map<String, Object> echoed = new LinkedHashMap<>();
        for (String name : new String[] {"temperature", "top_p", "max_output_tokens", "text", "user", "truncation",
                "tools", "parallel_tool_calls", "tool_choice"}) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull()) {
                echoed.put(name, json.convertValue(value, Object.class));
            }
        }
        echoed.put("metadata", metadata);
        CompletionRequest completion = new CompletionRequest(model, stream, false, user,
                messages == null ? null : messages.message(), messages == null ? List.of() : messages.history(),
                messages == null ? List.of() : messages.continuation(), RuntimeEvents.OMIT, parameters);
        return new Parsed(completion, new ResponseRequest(store, previous, previousId, instructions, echoed, input));
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

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
