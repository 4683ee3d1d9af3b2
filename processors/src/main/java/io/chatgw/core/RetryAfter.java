package io.chatgw.core;

/** A refusal that says when to try again: the HTTP layers send it as the {@code Retry-After} header. */
public interface RetryAfter {

    /** Whole seconds, at least 1, as the {@code Retry-After} header wants them. */
    long retryAfterSeconds();

    /** {@code duration} in whole seconds, rounded up, at least 1. */
    static long seconds(java.time.Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
