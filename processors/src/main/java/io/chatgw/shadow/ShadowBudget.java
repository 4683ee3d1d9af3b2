package io.chatgw.shadow;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The per-minute cost cap of shadow runs: at most {@code runsPerMinute} started and {@code tokensPerMinute} tokens
 * reported in any 60 s (a sliding window, so the cap holds across minute boundaries too). Both queues are bounded
 * by the run cap: one entry per admitted run.
 */
final class ShadowBudget {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final int runsPerMinute;
    private final long tokensPerMinute;
    private final LongSupplier clock;
    private final ArrayDeque<Long> starts = new ArrayDeque<>();
    private final ArrayDeque<long[]> spent = new ArrayDeque<>();
    private long tokensInWindow;

    ShadowBudget(int runsPerMinute, long tokensPerMinute, LongSupplier clock) {
        this.runsPerMinute = runsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.clock = clock;
    }

    /** Takes one run out of the budget; false (nothing taken) if the window's runs or tokens are used up. */
    synchronized boolean tryStart() {
        long now = clock.getAsLong();
        expire(now);
        if (starts.size() >= runsPerMinute || tokensInWindow >= tokensPerMinute) {
            return false;
        }
        starts.addLast(now);
        return true;
    }

    /** A shadow run reported {@code tokens}: they count against the window from now. */
    synchronized void spend(long tokens) {
        if (tokens <= 0) {
            return;
        }
        long now = clock.getAsLong();
        expire(now);
        spent.addLast(new long[] {now, tokens});
        tokensInWindow += tokens;
    }

    private void expire(long now) {
        while (!starts.isEmpty() && now - starts.peekFirst() >= WINDOW_NANOS) {
            starts.removeFirst();
        }
        while (!spent.isEmpty() && now - spent.peekFirst()[0] >= WINDOW_NANOS) {
            tokensInWindow -= spent.removeFirst()[1];
        }
    }
}
