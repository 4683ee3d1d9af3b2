package io.chatgw.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.core.StrictJson;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Validates a chat message body: JSON content type, a JSON object read by {@link StrictJson}, a non-empty string
 * {@code message}.
 * (The body size limit is enforced while reading it, before the route runs.)
 */
@Component("parseChatMessage")
public class ParseChatMessage implements Processor {

    private final ObjectMapper json;

    public ParseChatMessage(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.MESSAGE, parse(
                exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class),
                exchange.getIn().getBody(byte[].class)));
    }

    /** The message of a chat message body, or a {@link GatewayException} (4xx) saying what is wrong with it. */
    public String parse(String contentType, byte[] body) {
        requireJson(contentType);
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("missing_body", "request body is empty; expected {\"message\": \"...\"}");
        }
        JsonNode message = readObject(json, body).get("message");
        if (message == null || message.isNull()) {
            throw GatewayException.badRequest("missing_message", "field 'message' is required");
        }
        if (!message.isTextual()) {
            throw GatewayException.badRequest("invalid_message", "field 'message' must be a string");
        }
        if (message.asText().isBlank()) {
            throw GatewayException.badRequest("empty_message", "field 'message' must not be empty");
        }
        return message.asText();
    }

    static void requireJson(String contentType) {
        if (contentType == null || !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type",
                    "Content-Type must be application/json, was " + (contentType == null ? "absent" : contentType));
        }
    }

    static JsonNode readObject(ObjectMapper json, byte[] body) {
        return StrictJson.readObject(json, body);
    }
}
