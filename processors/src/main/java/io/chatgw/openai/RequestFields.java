package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.core.GatewayException;

/**
 * Reads the plain fields both OpenAI endpoints share, as OpenAI checks them: the body's media type, optional
 * strings and booleans (a wrong type is a 400 naming the field) and {@code user} (at most 256 characters).
 */
final class RequestFields {

    private static final int MAX_USER_CHARS = 256;

    private RequestFields() {
    }

    /** A Content-Type other than application/json (when one is sent) is a 415. */
    static void requireJson(String contentType) {
        if (contentType != null && !contentType.isBlank()
                && !contentType.toLowerCase().trim().startsWith("application/json")) {
            throw new GatewayException(415, "unsupported_media_type", "Content-Type must be application/json, was "
                    + contentType);
        }
    }

    /** The string {@code name} of {@code root}, or null when absent or null. */
    static String text(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a string", name);
        }
        return value.asText();
    }

    /** The boolean {@code name} of {@code parent} ({@code param} in errors), or {@code otherwise}. */
    static boolean bool(JsonNode parent, String name, String param, boolean otherwise) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new InvalidParameter("invalid_type", "'" + param + "' must be a boolean", param);
        }
        return value.asBoolean();
    }

    /** {@code user}: null when absent or blank. */
    static String user(JsonNode root) {
        String user = text(root, "user");
        if (user != null && user.length() > MAX_USER_CHARS) {
            throw new InvalidParameter("invalid_value", "'user' must be at most " + MAX_USER_CHARS + " characters", "user");
        }
        return user == null || user.isBlank() ? null : user;
    }
}
