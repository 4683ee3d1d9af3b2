package io.chatgw.turn;

import io.chatgw.core.GatewayException;
import java.time.Duration;

/** 409 {@code turn_in_progress}: the session is still answering; the HTTP layers send {@code Retry-After}. */
public class TurnInProgress extends GatewayException {

    private final Duration retryAfter;

    public TurnInProgress(Duration retryAfter) {
        super(409, "turn_in_progress", "this session is still answering a previous message; wait for its done/error event");
        this.retryAfter = retryAfter;
    }

    /** Whole seconds, at least 1, as the {@code Retry-After} header wants them. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
