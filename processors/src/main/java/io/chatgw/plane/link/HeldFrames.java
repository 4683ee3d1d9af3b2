package io.chatgw.plane.link;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames a {@link PlaneLink} keeps for its plane: downlink frames ({@code user_message}, {@code cancel}) until their
 * turn ends, and responses while the plane is away; each bounded ({@code hold-max}) with a TTL ({@code hold-ttl}).
 * Part of the link's state: used only under the link's monitor.
 */
final class HeldFrames {

    private record Held(long seq, String requestId, String json, long atNanos) {
    }

    private final int max;
    private final long ttlNanos;
    private final ArrayDeque<Held> downlink = new ArrayDeque<>();
    private final ArrayDeque<Held> responses = new ArrayDeque<>();

    HeldFrames(int max, Duration ttl) {
        this.max = max;
        this.ttlNanos = ttl.toNanos();
    }

    void holdDownlink(long seq, String requestId, String json) {
        prune();
        if (downlink.size() >= max) {
            downlink.removeFirst();
        }
        downlink.addLast(new Held(seq, requestId, json, System.nanoTime()));
    }

    void holdResponse(String json) {
        prune();
        if (responses.size() >= max) {
            responses.removeFirst();
        }
        responses.addLast(new Held(0, null, json, System.nanoTime()));
    }

    /** The plane processed the downlink frames up to {@code seq} (its hello says so). */
    void processedUpTo(long seq) {
        prune();
        downlink.removeIf(h -> h.seq() <= seq);
    }

    /** The request's turn ended: its downlink frames are not resent. */
    void ended(String requestId) {
        downlink.removeIf(h -> requestId.equals(h.requestId()));
    }

    int downlinkCount() {
        return downlink.size();
    }

    int responseCount() {
        return responses.size();
    }

    /** What to resend after a hello, in order: the downlink frames (kept), then the responses (handed over once). */
    List<String> redelivery() {
        List<String> frames = new ArrayList<>();
        downlink.forEach(h -> frames.add(h.json()));
        responses.forEach(h -> frames.add(h.json()));
        responses.clear();
        return frames;
    }

    void clear() {
        downlink.clear();
        responses.clear();
    }

    private void prune() {
        long oldest = System.nanoTime() - ttlNanos;
        downlink.removeIf(h -> h.atNanos() < oldest);
        responses.removeIf(h -> h.atNanos() < oldest);
    }
}
