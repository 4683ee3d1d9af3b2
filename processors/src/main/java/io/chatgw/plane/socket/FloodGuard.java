package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;

/**
 * A plane's two flood limits, by arrival time over sliding windows (docs/protocol.md "Flooding"): frames other than
 * {@code sse_event} and {@code pong} (malformed ones included) at most {@code gateway.plane.max-frames-per-second}
 * per second, and bad frames at most {@code max-bad-frames} within {@code bad-frame-window}, however many good
 * frames come in between. One per plane (vm_id), kept across its connections: reconnecting does not start over.
 */
public final class FloodGuard {

    private final RateWindow frames;
    private final RateWindow badFrames;

    public FloodGuard(PlaneProperties config) {
        this.frames = new RateWindow(config.maxFramesPerSecond(), java.time.Duration.ofSeconds(1));
        this.badFrames = new RateWindow(config.maxBadFrames(), config.badFrameWindow());
    }

    /** A rate-counted frame arrived; true when the plane sent too many within the second. */
    public synchronized boolean overFrameRate(long arrivedNanos) {
        return frames.exceeded(arrivedNanos);
    }

    /** A bad frame; true when the plane sent too many within the bad-frame window. */
    public synchronized boolean overBadFrames(long arrivedNanos) {
        return badFrames.exceeded(arrivedNanos);
    }
}
