package io.chatgw.core;

/**
 * A path could not serve the request at all: it was unreachable, answered 5xx or 429 or not with an event
 * stream, sent no first event in time, or (the {@code new} path) had no plane or lost it. Before the path's
 * first event reached the client this falls back to another path (docs/resilience.md) and counts as a failure
 * for the path's breaker; after it, it ends the turn with an {@code error} event like any other failure.
 * {@link #reason()} is one of a fixed set, safe as a metric tag and in the {@code fallback} event.
 */
public class PathUnavailable extends GatewayException {

    public static final String CONNECT_ERROR = "connect_error";
    public static final String HTTP_5XX = "http_5xx";
    public static final String HTTP_429 = "http_429";
    public static final String NOT_AN_EVENT_STREAM = "not_an_event_stream";
    public static final String FIRST_EVENT_TIMEOUT = "first_event_timeout";
    public static final String DISCONNECTED = "disconnected";
    public static final String PLANE_UNAVAILABLE = "plane_unavailable";
    public static final String NOT_CONFIGURED = "not_configured";
    /** Not thrown by a path: the path's breaker refused the call. */
    public static final String BREAKER_OPEN = "breaker_open";

    private final String reason;

    public PathUnavailable(String code, String reason, String message) {
        this(502, code, reason, message);
    }

    protected PathUnavailable(int status, String code, String reason, String message) {
        super(status, code, message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
