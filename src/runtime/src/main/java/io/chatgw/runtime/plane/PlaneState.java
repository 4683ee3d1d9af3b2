package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a plane must remember across reconnects and restarts, as kept in its state file:
 * <pre>
 * {"format": 1, "vm_id": "vm-1", "last_downlink_seq": 7,
 *  "sessions": {"&lt;session_id&gt;": {"last_seq": 43, "acked_seq": 41, "turns": 3,
 *                                 "open_request_id": "r-9" or null,
 *                                 "unacked": [&lt;sse_event frame&gt;, ...]}}}
 * </pre>
 * Mutable; used from the plane's event loop only.
 */
final class PlaneState {

  static final int FORMAT = 1;

  /** Highest {@code seq} of a processed {@code user_message}/{@code cancel}. */
  long lastDownlinkSeq;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  /** One session's event numbering. */
  static final class Session {
    /** Highest event {@code seq} handed out (0 = none yet). */
    long lastSeq;
    /** Highest event {@code seq} the gateway acknowledged. */
    long ackedSeq;
    /** Turns of the session answered with {@code done}. */
    long turns;
    /** The request of the session's turn that has not ended yet (no done/error emitted), or {@code null}. */
    String openRequestId;
    /** {@code sse_event} frames with a {@code seq} above {@link #ackedSeq}, oldest first. */
    final ArrayDeque<JsonObject> unacked = new ArrayDeque<>();

    /** Drops the unacknowledged events up to {@code seq}; returns whether any went. */
    boolean dropUpTo(long seq) {
      boolean dropped = false;
      for (Iterator<JsonObject> it = unacked.iterator(); it.hasNext(); ) {
        if (seqOf(it.next()) <= seq) {
          it.remove();
          dropped = true;
        }
      }
      return dropped;
    }
  }

  /** The session, created (all zero) if unknown. */
  Session session(String sessionId) {
    return sessions.computeIfAbsent(sessionId, id -> new Session());
  }

  Map<String, Session> sessions() {
    return sessions;
  }

  static long seqOf(JsonObject event) {
    Object seq = event.getValue("seq");
    return seq instanceof Number ? ((Number) seq).longValue() : 0;
  }

  JsonObject toJson(String vmId) {
    JsonObject sessionsJson = new JsonObject();
    sessions.forEach((id, session) -> sessionsJson.put(id, new JsonObject()
        .put("last_seq", session.lastSeq)
        .put("acked_seq", session.ackedSeq)
        .put("turns", session.turns)
        .put("open_request_id", session.openRequestId)
        .put("unacked", new JsonArray(new java.util.ArrayList<Object>(session.unacked)))));
    return new JsonObject()
        .put("format", FORMAT)
        .put("vm_id", vmId)
        .put("last_downlink_seq", lastDownlinkSeq)
        .put("sessions", sessionsJson);
  }

  /**
   * Reads a state file's content. A file of another {@code vm_id} keeps its event numbering (seqs
   * must keep growing per session) but not its downlink seq nor its unacknowledged events.
   *
   * @throws IllegalArgumentException when the content is not a state file
   */
  static PlaneState fromJson(JsonObject json, String vmId) {
    if (!(json.getValue("format") instanceof Number) || json.getInteger("format") != FORMAT
        || !(json.getValue("sessions") instanceof JsonObject)) {
      throw new IllegalArgumentException("not a plane state file of format " + FORMAT);
    }
    boolean samePlane = vmId.equals(json.getValue("vm_id"));
    PlaneState state = new PlaneState();
    state.lastDownlinkSeq = samePlane ? number(json.getValue("last_downlink_seq")) : 0;
    for (Map.Entry<String, Object> entry : json.getJsonObject("sessions")) {
      if (!(entry.getValue() instanceof JsonObject)) {
        throw new IllegalArgumentException("session " + entry.getKey() + " is not an object");
      }
      JsonObject stored = (JsonObject) entry.getValue();
      Session session = state.session(entry.getKey());
      session.lastSeq = number(stored.getValue("last_seq"));
      session.ackedSeq = samePlane ? number(stored.getValue("acked_seq")) : 0;
      session.turns = number(stored.getValue("turns"));
      Object openRequestId = stored.getValue("open_request_id");
      session.openRequestId = samePlane && openRequestId instanceof String ? (String) openRequestId : null;
      Object unacked = stored.getValue("unacked");
      if (samePlane && unacked instanceof JsonArray) {
        for (Object event : (JsonArray) unacked) {
          if (event instanceof JsonObject && seqOf((JsonObject) event) > session.ackedSeq) {
            session.unacked.addLast((JsonObject) event);
            session.lastSeq = Math.max(session.lastSeq, seqOf((JsonObject) event));
          }
        }
      }
    }
    return state;
  }

  private static long number(Object value) {
    return value instanceof Number ? Math.max(0, ((Number) value).longValue()) : 0;
  }
}
