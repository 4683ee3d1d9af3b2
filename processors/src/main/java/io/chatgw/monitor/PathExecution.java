package io.chatgw.monitor;

import io.chatgw.core.ExecutionMode;
import java.time.Duration;

/**
 * One finished execution of a path, as the runtime monitor records it: whose traffic ({@code orgId}), which
 * path, how it ended, and its latency to the first content event ({@code null} if none came) and in total.
 */
public record PathExecution(String orgId, ExecutionMode path, Result result, Duration firstEvent, Duration total) {

    /** How an execution ended, as far as the path is concerned. */
    public enum Result { SUCCESS, ERROR, TIMEOUT }

    public PathExecution {
        if (path == null || result == null || total == null) {
            throw new IllegalArgumentException("path, result and total are required");
        }
    }

    /** From {@link System#nanoTime()} stamps: started, first event (0 = none) and end. */
    public static PathExecution of(String orgId, ExecutionMode path, Result result, long startedNanos,
                                   long firstEventNanos, long endNanos) {
        return new PathExecution(orgId, path, result,
                firstEventNanos == 0 ? null : Duration.ofNanos(Math.max(0, firstEventNanos - startedNanos)),
                Duration.ofNanos(Math.max(0, endNanos - startedNanos)));
    }
}
