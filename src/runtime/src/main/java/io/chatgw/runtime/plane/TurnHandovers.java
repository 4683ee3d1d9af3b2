package io.chatgw.runtime.plane;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns the gateway still runs that this plane's data holds no checkpoint of: its volume (data dir) is gone, so it
 * starts empty. The {@code welcome} lists such a turn with the seq of its first event the gateway has
 * ({@code first_seq}) and the session's latest snapshot; the gateway then redelivers the turn's {@code user_message},
 * which is run as a resumed turn from that seq: the events the gateway has are not emitted again
 * (docs/protocol.md "Recovery after a crash"). Used from the plane's event loop only.
 */
final class TurnHandovers {

  private record Handover(String requestId, long firstSeq) {
  }

  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(TurnHandovers.class.getName());

  private final Map<String, Handover> bySession = new HashMap<>();

  /**
   * The gateway runs {@code requestId} in this session ({@code listed}: the welcome's entry, with the seq of the first
   * event it has and the session's snapshot); the session's state is taken from the snapshot.
   */
  void expect(String sessionId, String requestId, PlaneState.Session session, io.vertx.core.json.JsonObject listed) {
    Object firstSeq = listed.getValue("first_seq");
    long first = firstSeq instanceof Number ? ((Number) firstSeq).longValue() : session.lastSeq + 1;
    bySession.put(sessionId, new Handover(requestId, Math.max(1, first)));
    if (listed.getValue("snapshot") instanceof io.vertx.core.json.JsonObject snapshot && session.turns == 0
        && snapshot.getValue("conversation_state") instanceof io.vertx.core.json.JsonObject conversation
        && conversation.getValue("turns") instanceof Number turnsSoFar) {
      session.turns = turnsSoFar.longValue();
    }
    LOG.info("request " + requestId + " of session " + sessionId + " is handed over by the gateway (no checkpoint here)");
  }

  /**
   * A {@code user_message} arrived: @return the first seq of the handed-over turn it carries (it runs resumed), or 0
   * if it is not one (a new turn)
   */
  long claim(String sessionId, String requestId) {
    Handover handover = bySession.get(sessionId);
    if (handover == null || !handover.requestId().equals(requestId)) {
      return 0;
    }
    bySession.remove(sessionId);
    return handover.firstSeq();
  }

  /** A new welcome replaces what the last one handed over. */
  void clear() {
    bySession.clear();
  }
}
