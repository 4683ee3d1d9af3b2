package io.chatgw.turn;

import io.chatgw.core.GatewayException;
import io.chatgw.core.RetryAfter;
import java.time.Duration;

/** 409 {@code turn_in_progress}: the session is still answering; the HTTP layers send {@code Retry-After}. */
public class TurnInProgress extends GatewayException implements RetryAfter {

    private final Duration retryAfter;

    public TurnInProgress(Duration retryAfter) {
        super(409, "turn_in_progress", "this session is still answering a previous message; wait for its done/error event");
        this.retryAfter = retryAfter;
    }

    @Override
    public long retryAfterSeconds() {
        return RetryAfter.seconds(retryAfter);
    }
}
