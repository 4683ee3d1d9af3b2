package io.chatgw.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.CallerDirectory;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.chatgw.core.StrictJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/**
 * One admin request's JSON body or query, checked before anything reaches a record: unknown keys and values out
 * of range are a 400 that names them ({@code unknown_keys}, {@code invalid_value}); nothing is silently dropped.
 * A JSON {@code null} is "clear this setting".
 */
public final class AdminRequest {

    /** Query parameters reach the routes as headers with this prefix (AdminApi). */
    public static final String QUERY_PREFIX = "query.";

    private final Map<String, JsonNode> values;

    private AdminRequest(Map<String, JsonNode> values) {
        this.values = values;
    }

    /** The body, which must be a JSON object of only {@code allowed} keys; an empty body is {@code {}}. */
    public static AdminRequest body(Exchange exchange, ObjectMapper json, Set<String> allowed) {
        byte[] raw = exchange.getIn().getBody(byte[].class);
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (raw != null && raw.length > 0) {
            JsonNode node = StrictJson.readObject(json, raw);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                values.put(e.getKey(), e.getValue());
            }
        }
        return checked(values, allowed);
    }

    /** The query parameters (headers {@code query.<name>}), of only {@code allowed} names. */
    public static AdminRequest query(Exchange exchange, ObjectMapper json, Set<String> allowed) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        exchange.getIn().getHeaders().forEach((name, value) -> {
            if (name.startsWith(QUERY_PREFIX)) {
                values.put(name.substring(QUERY_PREFIX.length()), json.getNodeFactory().textNode(String.valueOf(value)));
            }
        });
        return checked(values, allowed);
    }

    private static AdminRequest checked(Map<String, JsonNode> values, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw GatewayException.badRequest("unknown_keys", "unknown " + (unknown.size() == 1 ? "key" : "keys")
                    + ": " + String.join(", ", unknown.stream().map(AdminRequest::shown).toList()) + " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
        return new AdminRequest(values);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Optional<String> text(String key) {
        JsonNode v = values.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid(key, "must be a string");
        }
        return Optional.of(v.asText());
    }

    /** An id (user, org, agent): the same rule as the schema's CHECK constraints. */
    public Optional<String> id(String key) {
        Optional<String> id = text(key);
        if (id.isPresent() && !CallerDirectory.ID.matcher(id.get()).matches()) {
            throw invalid(key, "must match " + CallerDirectory.ID.pattern());
        }
        return id;
    }

    /** A mode ({@code legacy}, {@code new}, {@code direct_llm}); {@code null} clears it. */
    public Optional<ExecutionMode> mode(String key) {
        Optional<String> raw = text(key);
        try {
            return raw.flatMap(ExecutionMode::parse);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "must be one of legacy, new, direct_llm (or null to clear), got " + shown(raw.get()));
        }
    }

    /** An integer in [min, max]; {@code null} clears it. Query values may be numeric strings. */
    public Optional<Integer> integer(String key, int min, int max) {
        JsonNode v = values.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.asLong();
        } else if (v.isTextual() && v.asText().matches("-?\\d{1,10}")) {
            n = Long.parseLong(v.asText());
        } else {
            throw invalid(key, "must be an integer from " + min + " to " + max + ", got " + shown(v));
        }
        if (n < min || n > max) {
            throw invalid(key, "must be an integer from " + min + " to " + max + ", got " + n);
        }
        return Optional.of((int) n);
    }

    public Optional<Boolean> bool(String key) {
        JsonNode v = values.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.asBoolean());
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Optional.of(Boolean.parseBoolean(v.asText()));
        }
        throw invalid(key, "must be true or false, got " + shown(v));
    }

    /** One of {@code choices}. */
    public Optional<String> oneOf(String key, List<String> choices) {
        Optional<String> v = text(key);
        if (v.isPresent() && !choices.contains(v.get())) {
            throw invalid(key, "must be one of " + String.join(", ", choices) + ", got " + shown(v.get()));
        }
        return v;
    }

    /**
     * A value from outside as it may appear in an error message: at most 64 characters, control characters replaced,
     * strings in quotes.
     */
    public static String shown(Object value) {
        boolean quoted;
        String text;
        if (value instanceof JsonNode node) {
            quoted = node.isTextual();
            text = quoted ? node.asText() : node.toString();
        } else {
            quoted = !(value instanceof Number);
            text = String.valueOf(value);
        }
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        String clean = cut.replaceAll("\\p{Cntrl}", "?");
        return quoted ? "'" + clean + "'" : clean;
    }

    public static GatewayException invalid(String key, String problem) {
        return GatewayException.badRequest("invalid_value", "'" + key + "' " + problem);
    }

    /** 400 when none of {@code keys} is present: the request would change nothing. */
    public void requireAny(String... keys) {
        List<String> present = new ArrayList<>();
        for (String k : keys) {
            if (has(k)) {
                present.add(k);
            }
        }
        if (present.isEmpty()) {
            throw GatewayException.badRequest("missing_body", "expected at least one of: " + String.join(", ", keys));
        }
    }
}
