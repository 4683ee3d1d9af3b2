package io.chatgw.plane.link;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of a plane's requests not answered yet: an id cannot be reused before its response went out. Kept across
 * the plane's connections (a response held while it is away still answers that id).
 */
public final class OpenRequests {

    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    /** A request id the plane sent: false if a request with this id is still unanswered. */
    public boolean open(String id) {
        return ids.add(id);
    }

    /** Its response went out, or it was never served: the id may be used again. */
    public void answered(String id) {
        ids.remove(id);
    }
}
