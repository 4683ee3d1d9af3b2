package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The structured-output setting of both OpenAI endpoints, checked once: a chat completion's {@code response_format}
 * ({@code text}, {@code json_object}, {@code json_schema} with {@code json_schema: {name, schema, strict}}) and a
 * response's {@code text.format} (the same types, the schema's fields beside {@code type}), which becomes the
 * {@code response_format} every path passes on. Every problem is a 400 naming the field as the client sent it.
 */
final class ResponseFormat {

    private static final Set<String> TYPES = Set.of("text", "json_object", "json_schema");

    private ResponseFormat() {
    }

    /** Checks a chat completion's {@code response_format} (kept as sent). */
    static void check(JsonNode format) {
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject() || !format.path("type").isTextual() || !TYPES.contains(format.get("type").asText())) {
            throw new InvalidParameter("invalid_value",
                    "'response_format' must be {\"type\": \"text\" | \"json_object\" | \"json_schema\"}", "response_format");
        }
        if ("json_schema".equals(format.get("type").asText())) {
            jsonSchema(format.path("json_schema"), "response_format.json_schema", false);
        }
    }

    /** A response's {@code text} ({@code format}; {@code verbosity} null) as a chat {@code response_format}; null for text. */
    static JsonNode ofText(JsonNode text, ObjectMapper json) {
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
        if (!TYPES.contains(type)) {
            throw new InvalidParameter("invalid_value",
                    "'text.format.type' must be 'text', 'json_object' or 'json_schema'", "text.format.type");
        }
        if ("text".equals(type)) {
            return null;
        }
        ObjectNode out = json.createObjectNode().put("type", type);
        if ("json_schema".equals(type)) {
            jsonSchema(format, "text.format", true);
            ObjectNode schema = out.putObject("json_schema");
            for (String field : new String[] {"name", "description", "schema", "strict"}) {
                if (format.hasNonNull(field)) {
                    schema.set(field, format.get(field));
                }
            }
        }
        return out;
    }

    /** A json_schema's {@code name} (required) and {@code schema} (an object; required if {@code schemaRequired}). */
    private static void jsonSchema(JsonNode fields, String param, boolean schemaRequired) {
        if (!fields.isObject() || !fields.path("name").isTextual() || fields.get("name").asText().isBlank()) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + ".name' is required",
                    param + ".name");
        }
        JsonNode schema = fields.get("schema");
        if ((schema == null || schema.isNull()) && schemaRequired) {
            throw new InvalidParameter("missing_required_parameter", "'" + param + ".schema' is required (an object)",
                    param + ".schema");
        }
        if (schema != null && !schema.isNull() && !schema.isObject()) {
            throw new InvalidParameter("invalid_type", "'" + param + ".schema' must be an object", param + ".schema");
        }
    }
}
