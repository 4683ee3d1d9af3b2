package io.chatgw.core;

/**
 * The upstream answered 429 before its first event. Like any {@link PathUnavailable} it falls back first if the
 * path has a fallback (docs/resilience.md); when none answers, the turn ends with code {@code rate_limited} and
 * {@code retry_after} (the chat API's {@code error} event), or 429 with {@code Retry-After} and
 * {@code rate_limit_exceeded} (the OpenAI endpoint).
 */
public class RateLimited extends PathUnavailable {

    /** Used when the upstream sent no usable Retry-After. */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;
    /** An upstream's Retry-After is capped at this (an hour). */
    public static final int MAX_RETRY_AFTER_SECONDS = 3600;

    private final int retryAfterSeconds;

    public RateLimited(String upstream, int retryAfterSeconds) {
        super(429, "rate_limited", HTTP_429, upstream + " is rate limited; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** An upstream's {@code Retry-After} (delta-seconds; an HTTP date or garbage counts as absent), bounded. */
    public static int parseRetryAfter(String header) {
        if (header == null) {
            return DEFAULT_RETRY_AFTER_SECONDS;
        }
        try {
            double seconds = Double.parseDouble(header.trim());
            if (!(seconds >= 0)) {
                return DEFAULT_RETRY_AFTER_SECONDS;
            }
            return (int) Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
        } catch (NumberFormatException e) {
            return DEFAULT_RETRY_AFTER_SECONDS;
        }
    }
}
