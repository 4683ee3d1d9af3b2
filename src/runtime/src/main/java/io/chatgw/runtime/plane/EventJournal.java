package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The plane's outgoing {@code sse_event}s: numbers them per session, keeps the unacknowledged ones
 * (bounded per session) and writes each to the state file BEFORE it goes out, so a restarted plane
 * never reuses a seq and can resend what the gateway may have missed. Sends in seq order once
 * persisted and connected; resends after a {@code welcome}; forgets on {@code ack}.
 * Used from the plane's event loop only.
 */
final class EventJournal {

  private static final Logger LOG = Logger.getLogger(EventJournal.class.getName());

  /** Where events go. */
  interface Sink {
    /** Connected and welcomed. */
    boolean ready();

    void write(JsonObject frame);

    /** Called after {@code frame} (an {@code sse_event}) was written; again if it is resent. */
    void sent(JsonObject frame);
  }

  /** Per session, what happened on the current connection; not persisted. */
  private static final class Cursor {
    long persistedUpTo;
    long sentUpTo;
    final TreeMap<Long, List<Promise<Void>>> sentWaiters = new TreeMap<>();
  }

  private final PlaneState state;
  private final StateStore store;
  private final int maxUnacked;
  private final Sink sink;
  private final Map<String, Cursor> cursors = new HashMap<>();

  EventJournal(PlaneState state, StateStore store, int maxUnacked, Sink sink) {
    this.state = state;
    this.store = store;
    this.maxUnacked = maxUnacked;
    this.sink = sink;
    // what was loaded from the state file is persisted already
    state.sessions().forEach((id, session) -> cursor(id).persistedUpTo = session.lastSeq);
  }

  /** Numbers an event, keeps and persists it; it goes out once persisted. Returns its seq. */
  long append(String sessionId, String requestId, String event, JsonObject data) {
    PlaneState.Session session = state.session(sessionId);
    long seq = ++session.lastSeq;
    JsonObject frame = PlaneFrames.sseEvent(sessionId, requestId, seq, event, data);
    if (session.openTurn != null && session.openTurn.getValue("traceparent") instanceof String traceparent) {
      frame.put("traceparent", traceparent); // the plane's span of the turn (io.chatgw.runtime.TraceContext)
    }
    session.unacked.addLast(frame);
    while (session.unacked.size() > maxUnacked) {
      JsonObject dropped = session.dropFirst();
      LOG.warning("session " + sessionId + ": more than " + maxUnacked
          + " unacknowledged events, forgetting seq " + PlaneState.seqOf(dropped));
    }
    Cursor cursor = cursor(sessionId);
    store.save().onComplete(ignored -> {
      cursor.persistedUpTo = Math.max(cursor.persistedUpTo, seq);
      flush(sessionId);
    });
    return seq;
  }

  /** Completes once the event {@code seq} went out (or the gateway already had it); fails if it was dropped. */
  Future<Void> whenSent(String sessionId, long seq) {
    Cursor cursor = cursor(sessionId);
    if (seq <= cursor.sentUpTo || seq <= state.session(sessionId).ackedSeq) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    cursor.sentWaiters.computeIfAbsent(seq, ignored -> new ArrayList<>()).add(promise);
    return promise.future();
  }

  /** An {@code ack}: the gateway holds the events up to {@code seq}. */
  void ack(String sessionId, long seq) {
    PlaneState.Session session = state.session(sessionId);
    if (seq <= session.ackedSeq) {
      return;
    }
    session.ackedSeq = seq;
    session.lastSeq = Math.max(session.lastSeq, seq);
    session.dropUpTo(seq);
    store.saveSoon(); // a lost ack only means a resend the gateway drops as a duplicate
  }

  /** The per-session acknowledged seqs, for {@code hello}. */
  Map<String, Long> ackedSeqs() {
    Map<String, Long> acked = new java.util.LinkedHashMap<>();
    state.sessions().forEach((id, session) -> {
      if (session.ackedSeq > 0) {
        acked.put(id, session.ackedSeq);
      }
    });
    return acked;
  }

  /**
   * After a {@code welcome}: for each session it lists, forgets the events up to its
   * {@code last_seq} and resends the rest; the events of other sessions can no longer be
   * delivered (their turn is over at the gateway) and are forgotten.
   *
   * @param lastSeqs per running session, the last seq the gateway accepted
   */
  void onWelcome(Map<String, Long> lastSeqs) {
    for (Map.Entry<String, PlaneState.Session> entry : state.sessions().entrySet()) {
      String sessionId = entry.getKey();
      PlaneState.Session session = entry.getValue();
      Cursor cursor = cursor(sessionId);
      Long accepted = lastSeqs.get(sessionId);
      if (accepted != null) {
        session.lastSeq = Math.max(session.lastSeq, accepted);
        session.ackedSeq = Math.max(session.ackedSeq, accepted);
        session.dropUpTo(accepted);
        cursor.sentUpTo = accepted;
        completeWaiters(cursor, accepted);
      } else {
        if (!session.unacked.isEmpty()) {
          LOG.info("session " + sessionId + " has no running turn at the gateway: forgetting "
              + session.unacked.size() + " unacknowledged events");
          session.unacked.clear();
        }
        cursor.sentUpTo = session.lastSeq;
        failWaiters(cursor);
      }
    }
    for (Map.Entry<String, Long> entry : lastSeqs.entrySet()) {
      if (!state.sessions().containsKey(entry.getKey())) {
        PlaneState.Session session = state.session(entry.getKey());
        session.lastSeq = entry.getValue();
        session.ackedSeq = entry.getValue();
        cursor(entry.getKey()).sentUpTo = entry.getValue();
        cursor(entry.getKey()).persistedUpTo = entry.getValue();
      }
    }
    store.save();
    flushAll();
  }

  void flushAll() {
    for (String sessionId : new ArrayList<>(state.sessions().keySet())) {
      flush(sessionId);
    }
  }

  private void flush(String sessionId) {
    Cursor cursor = cursor(sessionId);
    for (JsonObject frame : new ArrayList<>(state.session(sessionId).unacked)) {
      if (!sink.ready()) {
        return;
      }
      long seq = PlaneState.seqOf(frame);
      if (seq <= cursor.sentUpTo) {
        continue;
      }
      if (seq > cursor.persistedUpTo) {
        return;
      }
      sink.write(frame);
      cursor.sentUpTo = seq;
      completeWaiters(cursor, seq);
      sink.sent(frame);
    }
  }

  private void completeWaiters(Cursor cursor, long upTo) {
    while (!cursor.sentWaiters.isEmpty() && cursor.sentWaiters.firstKey() <= upTo) {
      cursor.sentWaiters.pollFirstEntry().getValue().forEach(Promise::tryComplete);
    }
  }

  private void failWaiters(Cursor cursor) {
    List<Promise<Void>> waiters = new ArrayList<>();
    cursor.sentWaiters.values().forEach(waiters::addAll);
    cursor.sentWaiters.clear();
    waiters.forEach(promise -> promise.tryFail("the event can no longer be delivered"));
  }

  /** A pruned session's per-connection cursor goes too. */
  void forget(String sessionId) {
    cursors.remove(sessionId);
  }

  private Cursor cursor(String sessionId) {
    return cursors.computeIfAbsent(sessionId, id -> new Cursor());
  }
}
