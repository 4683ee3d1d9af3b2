package io.chatgw.plane;

import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway knows of one plane (one vm_id, one user), across its connections: the current socket
 * (null while away), the downlink sequence, the frames held for it while away, and the turns it runs.
 * Guarded by its own monitor.
 */
public final class PlaneLink {

    /** A frame kept for redelivery. */
    record Held(long seq, String requestId, String json, long atNanos) {
    }

    final String vmId;
    final String userId;
    final String orgId;
    /** The current connection (null while away); frames and callbacks of any other connection are ignored. */
    PlaneConnection connection;
    boolean greeted;
    /** Ids of the plane's requests not answered yet: an id cannot be reused before its response went out. */
    final java.util.Set<String> openRequests = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long downlinkSeq;
    final ArrayDeque<Held> heldDownlink = new ArrayDeque<>();
    final ArrayDeque<Held> heldResponses = new ArrayDeque<>();
    final Map<String, PlaneTurn> turns = new LinkedHashMap<>();
    int missedPongs;
    int badFramesInARow;
    long windowStartNanos;
    int framesInWindow;
    long graceTimer = -1;
    boolean dead;
    /** When the plane was last given a fresh VM token (welcome / token frame). */
    long tokenIssuedNanos;
    /** Requests whose turn the gateway ended recently: their late events are dropped quietly (bounded). */
    final Map<String, Boolean> endedRequests = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 256;
        }
    };

    PlaneLink(String vmId, String userId, String orgId) {
        this.vmId = vmId;
        this.userId = userId;
        this.orgId = orgId;
    }

    public String vmId() {
        return vmId;
    }

    public String userId() {
        return userId;
    }

    public String orgId() {
        return orgId;
    }

    /** The current connection's socket, null while away. */
    synchronized ServerWebSocket socket() {
        return connection == null ? null : connection.socket;
    }

    /** Connected and greeted: frames can be sent now. */
    public synchronized boolean isLive() {
        return connection != null && greeted;
    }

    /** Whether {@code connection} is this link's current one. */
    synchronized boolean isCurrent(PlaneConnection connection) {
        return this.connection == connection;
    }
}
