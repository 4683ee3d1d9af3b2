package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.core.StrictJson;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/admin/api-keys {"user_id": "...", "name": "..."}}: issues a key; the reply is the key's
 * listing plus {@code key}, the secret, shown this once (status 201 set by the HTTP layer).
 */
@Component("createApiKey")
public class CreateApiKey implements Processor {

    private final ApiKeyStore keys;
    private final ObjectMapper json;

    private final io.chatgw.admin.AdminScope adminScope;

    public CreateApiKey(ApiKeyStore keys, ObjectMapper json, io.chatgw.admin.AdminScope adminScope) {
        this.adminScope = adminScope;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Caller admin = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String contentType = exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type", "Content-Type must be application/json");
        }
        JsonNode body = readObject(exchange.getIn().getBody(byte[].class));
        adminScope.requireUser(exchange, text(body, "user_id")); // an org admin: keys for its own org's users only
        Map.Entry<ApiKeyStore.ApiKey, String> created = keys.create(text(body, "user_id"), text(body, "name"),
                admin.userId(), admin.orgId());
        Map<String, Object> reply = created.getKey().toJson();
        reply.put("key", created.getValue());
        exchange.getMessage().setBody(reply);
    }

    private JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.badRequest("missing_body", "expected {\"user_id\": \"...\", \"name\": \"...\"}");
        }
        return StrictJson.readObject(json, body);
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw GatewayException.badRequest("missing_" + field, "field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw GatewayException.badRequest("invalid_" + field, "field '" + field + "' must be a string");
        }
        return value.asText();
    }
}
