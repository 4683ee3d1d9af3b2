package io.chatgw.plane.socket;

import java.time.Duration;

/**
 * "At most {@code max} events within {@code window}", counted by event time, not "in a row": a leaky bucket (the
 * generic cell rate algorithm) that holds {@code max} events and drains one every {@code window / max}, so a burst
 * of more than {@code max} within the window exceeds it, and nothing in between (a good frame, a pong) refills it.
 * O(1) state. Not thread-safe: its owner ({@link FloodGuard}) synchronizes.
 */
public final class RateWindow {

    private final long intervalNanos;
    private final long windowNanos;
    /** When the bucket would be empty again (the "theoretical arrival time"); 0 = empty. */
    private long emptyAtNanos;
    private boolean started;

    public RateWindow(int max, Duration window) {
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate window needs max >= 1 and a positive window, got " + max + " per " + window);
        }
        this.windowNanos = window.toNanos();
        this.intervalNanos = Math.max(1, windowNanos / max);
    }

    /** Counts one event at {@code nowNanos}; true when it is one too many for the window. */
    public boolean exceeded(long nowNanos) {
        long from = !started || nowNanos - emptyAtNanos > 0 ? nowNanos : emptyAtNanos;
        started = true;
        long next = from + intervalNanos;
        if (next - nowNanos > windowNanos) {
            return true; // over: not added, so the bucket drains on time once the sender slows down
        }
        emptyAtNanos = next;
        return false;
    }
}
