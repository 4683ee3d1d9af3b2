package io.chatgw.plane.methods;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a {@code fire_and_forget} report must hold (docs/protocol.md) before any of it reaches a record, a log line
 * or a metric. A report that breaks a rule is still recorded, marked with the reason, and answered with an
 * {@code error} frame {@code invalid_report} (routes/plane.yaml): never lost, never stored with a made-up number.
 */
public final class PlaneReports {

    /** An audit report's action: it becomes {@code plane.<action>} in audit_log. */
    private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9_.-]{1,50}");
    static final String[] TOKEN_FIELDS = {"prompt_tokens", "completion_tokens"};

    private PlaneReports() {
    }

    /**
     * A token count: a JSON integer from 0 to 2^31-1, or 0 when absent (none reported). Anything else (a string, a
     * fraction, a negative number, one too large: never wrapped or rounded) is -1.
     */
    public static long tokens(JsonNode value) {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            return -1;
        }
        return value.intValue();
    }

    /** The report's size as it would be stored (its data's JSON in UTF-8). */
    public static int bytes(JsonNode data) {
        return data.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** Null when the report of this kind is valid, else why it is not (for the record, the error frame and the log). */
    public static String problem(String kind, JsonNode data, int maxBytes) {
        int bytes = bytes(data);
        if (bytes > maxBytes) {
            return "report of " + bytes + " bytes exceeds " + maxBytes + " (gateway.events.plane-report-max-bytes)";
        }
        String ids = text(data, "session_id", 64);
        if (ids != null) {
            return ids;
        }
        if (kind.equals("usage")) {
            for (String field : TOKEN_FIELDS) {
                if (tokens(data.get(field)) < 0) {
                    return "'" + field + "' must be an integer from 0 to 2147483647";
                }
            }
            String other = text(data, "request_id", 64);
            return other != null ? other : text(data, "model", 100);
        }
        JsonNode action = data.get("action");
        if (action == null || !action.isTextual() || !ACTION.matcher(action.asText()).matches()) {
            return "'action' must match " + ACTION.pattern();
        }
        JsonNode details = data.get("details");
        return details == null || details.isObject() ? null : "'details' must be an object";
    }

    /** Null when the field is absent or a string of at most {@code max} characters, else the reason. */
    private static String text(JsonNode data, String field, int max) {
        JsonNode v = data.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().length() <= max)) {
            return null;
        }
        return "'" + field + "' must be a string of at most " + max + " characters";
    }
}
