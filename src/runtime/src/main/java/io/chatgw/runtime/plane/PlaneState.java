package io.chatgw.runtime.plane;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a plane must remember across reconnects and restarts, as {@link StateStore} keeps it (a log of changes; this
 * is what it replays to):
 * <pre>
 * {"format": 1, "vm_id": "vm-1", "last_downlink_seq": 7, "seq_floor": 0,
 *  "sessions": {"&lt;session_id&gt;": {"last_seq": 43, "acked_seq": 41, "turns": 3,
 *                                 "open_request_id": "r-9" or null,
 *                                 "unacked": [&lt;sse_event frame&gt;, ...]}}}
 * </pre>
 * Sessions with no open turn and nothing unacknowledged are pruned after {@link #PRUNE_IDLE_NANOS} without
 * use; {@code seq_floor} (the highest {@code last_seq} pruned) keeps event numbering growing for a session
 * that comes back. A write of changes looks at the sessions handed out by {@link #session} since the last one and
 * writes those whose content changed, so its cost follows the sessions in use, not all the plane keeps: change a
 * session only through a reference {@link #session} (or {@link #sessions}) handed out in the same event-loop task.
 * Mutable; used from the plane's event loop only.
 */
final class PlaneState {

  static final int FORMAT = 1;
  static final long PRUNE_IDLE_NANOS = 10L * 60 * 1_000_000_000L;

  /** Highest {@code seq} of a processed {@code user_message}/{@code cancel}. */
  long lastDownlinkSeq;
  /** Highest {@code last_seq} of a pruned session: a session created later numbers above it. */
  long seqFloor;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  /** Sessions handed out (so perhaps changed) and sessions pruned since the last write of changes. */
  private final java.util.Set<String> touched = new java.util.LinkedHashSet<>();
  private final java.util.Set<String> pruned = new java.util.LinkedHashSet<>();
  /** {@link #sessions} was handed out: any session may have changed. */
  private boolean allTouched;
  private String writtenHeader;

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
    /**
     * The checkpoint of that turn, to resume it after a crash: {@code {request_id, message, history, parameters,
     * first_seq}} (the seq of its first event), or {@code null}. Set and cleared with {@link #openRequestId}.
     */
    JsonObject openTurn;
    /** {@code sse_event} frames with a {@code seq} above {@link #ackedSeq}, oldest first. */
    final ArrayDeque<JsonObject> unacked = new ArrayDeque<>();
    long lastUsedNanos = System.nanoTime();
    /** Bumped when {@link #openTurn} changes in place (a tool output checkpointed): the cached JSON is stale then. */
    private int checkpointVersion;
    /** {@link #encoded()} and what it was encoded from; what its last line in the state log was written from. */
    private String encoded;
    private Fingerprint encodedFrom;
    private Fingerprint writtenFrom;
    /** The JSON text of frames in {@link #unacked} (frames are not changed once appended); of the open turn. */
    private java.util.IdentityHashMap<JsonObject, String> frameTexts = new java.util.IdentityHashMap<>();
    private JsonObject openTurnEncoded;
    private int openTurnVersion;
    private String openTurnText;

    JsonObject toJson() {
      return new JsonObject()
          .put("last_seq", lastSeq)
          .put("acked_seq", ackedSeq)
          .put("turns", turns)
          .put("open_request_id", openRequestId)
          .put("open_turn", openTurn)
          .put("unacked", new JsonArray(new java.util.ArrayList<Object>(unacked)));
    }

    /**
     * This session's JSON ({@link #toJson}'s), rebuilt only when something in it changed, from the JSON text of each
     * unacknowledged frame and of the open turn, each encoded once: a session with k events waiting for their ack
     * costs k string copies per write, not k encodings.
     */
    String encoded() {
      Fingerprint now = fingerprint();
      if (!now.equals(encodedFrom)) {
        StringBuilder out = new StringBuilder(128 + unacked.size() * 160);
        out.append("{\"last_seq\":").append(lastSeq).append(",\"acked_seq\":").append(ackedSeq)
            .append(",\"turns\":").append(turns)
            .append(",\"open_request_id\":").append(io.vertx.core.json.Json.encode(openRequestId))
            .append(",\"open_turn\":").append(openTurnText()).append(",\"unacked\":[");
        boolean first = true;
        for (JsonObject frame : unacked) {
          out.append(first ? "" : ",").append(frameTexts.computeIfAbsent(frame, JsonObject::encode));
          first = false;
        }
        out.append("]}");
        if (frameTexts.size() > 2 * unacked.size() + 8) { // the texts of acknowledged frames go
          java.util.IdentityHashMap<JsonObject, String> kept = new java.util.IdentityHashMap<>();
          unacked.forEach(frame -> kept.put(frame, frameTexts.get(frame)));
          frameTexts = kept;
        }
        encoded = out.toString();
        encodedFrom = now;
      }
      return encoded;
    }

    private String openTurnText() {
      if (openTurn == null) {
        return "null";
      }
      if (openTurn != openTurnEncoded || openTurnVersion != checkpointVersion) {
        openTurnText = openTurn.encode();
        openTurnEncoded = openTurn;
        openTurnVersion = checkpointVersion;
      }
      return openTurnText;
    }

    /** Whether it changed since its line was last written; from now on it counts as written. */
    boolean changedSinceWritten() {
      Fingerprint now = fingerprint();
      boolean changed = !now.equals(writtenFrom);
      writtenFrom = now;
      return changed;
    }

    private Fingerprint fingerprint() {
      return new Fingerprint(lastSeq, ackedSeq, turns, openRequestId, checkpointVersion, unacked.size(),
          unacked.isEmpty() ? 0 : seqOf(unacked.peekFirst()));
    }

    /**
     * Enough to tell a session changed: events join {@code unacked} at the end (raising {@code lastSeq}) and
     * leave it from the front, so its size and first seq stand for its content.
     */
    private record Fingerprint(long lastSeq, long ackedSeq, long turns, String openRequestId, int checkpoint, int unacked,
        long firstUnacked) {
    }

    /** {@link #openTurn} was changed in place. */
    void checkpointChanged() {
      checkpointVersion++;
    }

    /**
     * Drops the unacknowledged events up to {@code seq} (they are in seq order), the open turn's answer events among
     * them into its checkpoint's {@code answer}; returns whether any went.
     */
    boolean dropUpTo(long seq) {
      boolean dropped = false;
      while (!unacked.isEmpty() && seqOf(unacked.peekFirst()) <= seq) {
        dropFirst();
        dropped = true;
      }
      return dropped;
    }

    /** Drops the oldest unacknowledged event (its answer part into the checkpoint, as {@link #dropUpTo}). */
    JsonObject dropFirst() {
      JsonObject frame = unacked.removeFirst();
      if (PartialAnswer.acknowledged(openTurn, openRequestId, frame)) {
        checkpointChanged();
      }
      return frame;
    }

    /** The open turn's LLM answer so far ({@link PartialAnswer#soFar}). */
    JsonObject answerSoFar() {
      return PartialAnswer.soFar(openTurn, openRequestId, unacked);
    }
  }

  /** The session, created if unknown (numbering from {@link #seqFloor}); marks it used. */
  Session session(String sessionId) {
    Session session = sessions.computeIfAbsent(sessionId, id -> {
      Session created = new Session();
      created.lastSeq = seqFloor;
      return created;
    });
    session.lastUsedNanos = System.nanoTime();
    touched.add(sessionId);
    return session;
  }

  /**
   * Forgets sessions unused for {@code idleNanos} that have no open turn and nothing unacknowledged.
   *
   * @param busy sessions that must stay (a turn still runs)
   * @return the ids forgotten
   */
  java.util.List<String> prune(long nowNanos, long idleNanos, java.util.function.Predicate<String> busy) {
    java.util.List<String> pruned = new java.util.ArrayList<>();
    for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Session> entry = it.next();
      Session session = entry.getValue();
      if (session.openRequestId == null && session.unacked.isEmpty() && nowNanos - session.lastUsedNanos > idleNanos
          && !busy.test(entry.getKey())) {
        seqFloor = Math.max(seqFloor, session.lastSeq);
        it.remove();
        pruned.add(entry.getKey());
        this.pruned.add(entry.getKey());
      }
    }
    return pruned;
  }

  /**
   * The state log's lines for what changed since the last {@link #changes} / {@link #snapshot} (StateStore): the
   * header if it changed, a tombstone per pruned session, a line per changed session; empty if nothing changed.
   * Only sessions handed out by {@link #session} since then are looked at (all of them after {@link #sessions}).
   */
  io.vertx.core.buffer.Buffer changes(String vmId) {
    StringBuilder out = new StringBuilder(256);
    String header = header(vmId);
    if (!header.equals(writtenHeader)) {
      out.append(header).append('\n');
      writtenHeader = header;
    }
    for (String id : pruned) {
      if (!sessions.containsKey(id)) {
        out.append("{\"session\":").append(io.vertx.core.json.Json.encode(id)).append(",\"pruned\":true}\n");
      }
    }
    for (String id : allTouched ? sessions.keySet() : touched) {
      Session session = sessions.get(id);
      if (session != null && session.changedSinceWritten()) {
        appendLine(out, id, session);
      }
    }
    clearChanges();
    return io.vertx.core.buffer.Buffer.buffer(out.toString());
  }

  /** The state log's lines for the whole state: the header and every session. */
  io.vertx.core.buffer.Buffer snapshot(String vmId) {
    StringBuilder out = new StringBuilder(256 + sessions.size() * 128);
    writtenHeader = header(vmId);
    out.append(writtenHeader).append('\n');
    for (Map.Entry<String, Session> entry : sessions.entrySet()) {
      entry.getValue().changedSinceWritten();
      appendLine(out, entry.getKey(), entry.getValue());
    }
    clearChanges();
    return io.vertx.core.buffer.Buffer.buffer(out.toString());
  }

  /** What the plane's {@link StateStore} writes of this state. */
  StateStore.Source source(String vmId) {
    return new StateStore.Source() {
      @Override
      public io.vertx.core.buffer.Buffer changes() {
        return PlaneState.this.changes(vmId);
      }

      @Override
      public io.vertx.core.buffer.Buffer snapshot() {
        return PlaneState.this.snapshot(vmId);
      }
    };
  }

  private String header(String vmId) {
    return "{\"format\":" + FORMAT + ",\"vm_id\":" + io.vertx.core.json.Json.encode(vmId)
        + ",\"last_downlink_seq\":" + lastDownlinkSeq + ",\"seq_floor\":" + seqFloor + "}";
  }

  private static void appendLine(StringBuilder out, String id, Session session) {
    out.append("{\"session\":").append(io.vertx.core.json.Json.encode(id)).append(",\"state\":")
        .append(session.encoded()).append("}\n");
  }

  private void clearChanges() {
    touched.clear();
    pruned.clear();
    allTouched = false;
  }

  /** Forgets the open turn of every session whose open request is not the one {@code running} names for it. */
  void closeTurnsNotIn(Map<String, String> running) {
    sessions.forEach((sessionId, session) -> {
      if (session.openRequestId != null && !session.openRequestId.equals(running.get(sessionId))) {
        session.openRequestId = null;
        session.openTurn = null;
        touched.add(sessionId);
      }
    });
  }

  /** Every session (to change in place: all count as changed for the next write). */
  Map<String, Session> sessions() {
    allTouched = true;
    return sessions;
  }

  static long seqOf(JsonObject event) {
    Object seq = event.getValue("seq");
    return seq instanceof Number ? ((Number) seq).longValue() : 0;
  }

  JsonObject toJson(String vmId) {
    JsonObject sessionsJson = new JsonObject();
    sessions.forEach((id, session) -> sessionsJson.put(id, session.toJson()));
    return new JsonObject()
        .put("format", FORMAT)
        .put("vm_id", vmId)
        .put("last_downlink_seq", lastDownlinkSeq)
        .put("seq_floor", seqFloor)
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
    state.seqFloor = number(json.getValue("seq_floor"));
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
      Object openTurn = stored.getValue("open_turn");
      session.openTurn = session.openRequestId != null && openTurn instanceof JsonObject
          && session.openRequestId.equals(((JsonObject) openTurn).getValue("request_id")) ? (JsonObject) openTurn : null;
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
