package io.chatgw.plane.link;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests whose turn the gateway ended lately (the last {@value #KEPT}): their late events are dropped quietly.
 * Used under its {@link PlaneLink}'s monitor.
 */
final class EndedRequests {

    static final int KEPT = 256;

    private final Map<String, Boolean> ids = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KEPT;
        }
    };

    void add(String requestId) {
        ids.put(requestId, Boolean.TRUE);
    }

    boolean contains(String requestId) {
        return ids.containsKey(requestId);
    }
}
