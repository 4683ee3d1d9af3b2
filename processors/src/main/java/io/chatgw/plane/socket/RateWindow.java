package io.chatgw.plane.socket;

import java.time.Duration;

/**
 * "At most {@code max} events within any {@code window}", counted by event time, not "in a row": the times of the last
 * {@code max} events are kept (a ring), and an event is one too many when the oldest of them is still within the
 * window. Nothing in between (a good frame, a pong) starts the count over. Not thread-safe: its owner
 * ({@link FloodGuard}) synchronizes.
 */
public final class RateWindow {

    private final long windowNanos;
    /** Times of the last {@code max} counted events, oldest at {@link #next} once full. */
    private final long[] times;
    private int next;
    private int count;

    public RateWindow(int max, Duration window) {
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate window needs max >= 1 and a positive window, got " + max + " per " + window);
        }
        this.windowNanos = window.toNanos();
        this.times = new long[max];
    }

    /** Counts one event at {@code nowNanos}; true when it is one more than max within the window. */
    public boolean exceeded(long nowNanos) {
        boolean over = count == times.length && nowNanos - times[next] < windowNanos;
        if (!over) { // an event over the limit is not kept: the count falls back as soon as the sender slows down
            times[next] = nowNanos;
            next = (next + 1) % times.length;
            count = Math.min(times.length, count + 1);
        }
        return over;
    }
}
