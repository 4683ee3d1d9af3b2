package io.chatgw.plane.link;

/**
 * A plane's flood limits on its current connection: frames per second (by arrival time, so a backlog handled in a
 * burst is no flood) and bad frames in a row. Reset when a new connection attaches.
 */
public final class FrameLimits {

    private int badFramesInARow;
    private long windowStartNanos;
    private int framesInWindow;

    synchronized void reset() {
        badFramesInARow = 0;
        framesInWindow = 0;
    }

    /** Counts a frame by arrival time: whether it is over {@code max}/s. */
    public synchronized boolean overFrameRate(long arrivedNanos, int max) {
        if (arrivedNanos - windowStartNanos > 1_000_000_000L) {
            windowStartNanos = arrivedNanos;
            framesInWindow = 0;
        }
        return ++framesInWindow > max;
    }

    /** A bad frame: how many came in a row now. */
    public synchronized int badFrame() {
        return ++badFramesInARow;
    }

    /** An accepted frame: bad frames "in a row" start over. */
    public synchronized void goodFrame() {
        badFramesInARow = 0;
    }
}
