package io.chatgw.plane.link;

/**
 * Checks on a plane's frames: the flood limits of its current connection (frames per second by arrival time, so a
 * backlog handled in a burst is no flood; bad frames in a row; both reset when a new connection attaches), and the ids
 * of its requests not answered yet (an id cannot be reused before its response went out; kept across connections).
 */
public final class FrameChecks {

    private final java.util.Set<String> openRequests = java.util.concurrent.ConcurrentHashMap.newKeySet();

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

    /** A request id the plane sent: false if a request with this id is still unanswered. */
    public boolean openRequest(String id) {
        return openRequests.add(id);
    }

    public void requestAnswered(String id) {
        openRequests.remove(id);
    }
}
