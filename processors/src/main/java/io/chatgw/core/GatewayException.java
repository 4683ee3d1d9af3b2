package io.chatgw.core;

/**
 * A failure the caller is told about: an HTTP status and a stable error code for the JSON error body
 * before the stream starts, or the code of the in-band {@code error} event after it started.
 */
public class GatewayException extends RuntimeException {
    private final int status;
    private final String code;

    public GatewayException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public GatewayException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static GatewayException badRequest(String code, String message) {
        return new GatewayException(400, code, message);
    }

    public static GatewayException unauthorized(String message) {
        return new GatewayException(401, "unauthorized", message);
    }

    public static GatewayException notFound(String code, String message) {
        return new GatewayException(404, code, message);
    }

    /** A failure of an upstream path once the stream has started (502 only matters for logging). */
    public static GatewayException upstream(String code, String message) {
        return new GatewayException(502, code, message);
    }
}
