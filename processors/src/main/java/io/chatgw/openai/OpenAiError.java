package io.chatgw.openai;

import io.chatgw.core.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with the HTTP status it
 * is sent with before a stream starts. {@code code} is the gateway's own code (the native API's);
 * {@code type} follows the status.
 */
public record OpenAiError(int status, String type, String code, String message, String param, Integer retryAfter) {

    /** OpenAI's code for a rate limit (the SDKs' RateLimitError), what the turn's {@code rate_limited} becomes. */
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";

    public OpenAiError(int status, String type, String code, String message, String param) {
        this(status, type, code, message, param, null);
    }

    /** A failure the routes threw before any answer (auth, validation, session, turn in progress). */
    public static OpenAiError of(GatewayException e) {
        String param = e instanceof InvalidParameter p ? p.param()
                : e instanceof io.chatgw.core.TextInputs.Refused r ? r.field() : null;
        // OpenAI answers an unknown model with 404 and type invalid_request_error
        String type = "model_not_found".equals(e.code()) ? "invalid_request_error" : typeOf(e.status());
        return new OpenAiError(e.status(), type, e.code(), e.getMessage(), param);
    }

    /** A turn that ended with an {@code error} event: the status its code stands for. */
    public static OpenAiError ofTurn(String code, String message) {
        return ofTurn(code, message, null);
    }

    /** As {@link #ofTurn(String, String)}; a rate limit's {@code retry_after} becomes the {@code Retry-After} header. */
    public static OpenAiError ofTurn(String code, String message, Integer retryAfter) {
        int status = statusOfTurnError(code);
        if ("rate_limited".equals(code)) {
            return new OpenAiError(429, typeOf(429), RATE_LIMIT_EXCEEDED, message, null,
                    retryAfter == null ? io.chatgw.core.RateLimited.DEFAULT_RETRY_AFTER_SECONDS : retryAfter);
        }
        return new OpenAiError(status, typeOf(status), code, message, null);
    }

    public static OpenAiError internal() {
        return new OpenAiError(500, typeOf(500), "internal_error", "the gateway could not handle this request", null);
    }

    /** HTTP status for the in-band error codes a path can end a turn with. */
    static int statusOfTurnError(String code) {
        if (code == null) {
            return 502;
        }
        return switch (code) {
            case "path_unavailable", "llm_unavailable", "vm_unavailable", "shutting_down" -> 503;
            case "upstream_timeout" -> 504;
            case "internal_error" -> 500;
            case "rate_limited" -> 429;
            // upstream_unreachable, upstream_error, upstream_disconnected, runtime_error, llm_error, and codes
            // of paths added later: the gateway could not get an answer from upstream
            default -> 502;
        };
    }

    static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The body: {@code {"error": {...}}} (param and code always present, param may be null). */
    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return body;
    }
}
