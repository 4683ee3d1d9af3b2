package io.chatgw.plane.socket;

import io.chatgw.events.Audit;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One connection's rejected frames (and unknown methods) in the current audit window: counted by code, with up to
 * {@value #TYPES_KEPT} distinct samples of what was refused (frame types, method names; cleaned and cut, as every
 * value from a plane). Becomes one audit row's
 * details when the window is over or the connection closes ({@link PlaneRejectionAudit}).
 */
final class RejectionTally {

    static final int TYPES_KEPT = 10;

    private long startedNanos;
    private Instant firstAt;
    private Instant lastAt;
    private int count;
    private final Map<String, Integer> codes = new TreeMap<>();
    private final TreeSet<String> types = new TreeSet<>();

    /**
     * Counts one rejection; when the window it would belong to is already over, returns that window's details (to be
     * written now) and starts a new one with this rejection.
     */
    synchronized Map<String, Object> add(String code, String type, long nowNanos, long windowNanos) {
        Map<String, Object> ended = count > 0 && nowNanos - startedNanos >= windowNanos ? take() : null;
        if (count == 0) {
            startedNanos = nowNanos;
            firstAt = Instant.now();
        }
        count++;
        lastAt = Instant.now();
        codes.merge(code, 1, Integer::sum);
        if (type != null && types.size() < TYPES_KEPT) {
            types.add(Audit.clip(type, 64));
        }
        return ended;
    }

    /** The window's details if it is over, else null. */
    synchronized Map<String, Object> takeIfOver(long nowNanos, long windowNanos) {
        return count > 0 && nowNanos - startedNanos >= windowNanos ? take() : null;
    }

    /** What was counted (null if nothing), starting over. */
    synchronized Map<String, Object> take() {
        if (count == 0) {
            return null;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("count", count);
        details.put("codes", new TreeMap<>(codes));
        details.put("samples", java.util.List.copyOf(types));
        details.put("first_at", firstAt.toString());
        details.put("last_at", lastAt.toString());
        count = 0;
        codes.clear();
        types.clear();
        return details;
    }
}
