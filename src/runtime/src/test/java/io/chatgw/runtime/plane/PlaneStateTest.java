package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PlaneStateTest {

  @Test
  void roundTripsThroughJson() {
    PlaneState state = new PlaneState();
    state.lastDownlinkSeq = 7;
    PlaneState.Session session = state.session("s1");
    session.lastSeq = 43;
    session.ackedSeq = 41;
    session.turns = 3;
    session.openRequestId = "r-9";
    session.unacked.add(PlaneFrames.sseEvent("s1", "r-9", 42, "text", new JsonObject().put("delta", "a")));
    session.unacked.add(PlaneFrames.sseEvent("s1", "r-9", 43, "text", new JsonObject().put("delta", "b")));

    JsonObject json = state.toJson("vm-1");
    assertEquals(1, json.getInteger("format"));
    PlaneState read = PlaneState.fromJson(new JsonObject(json.encode()), "vm-1");
    assertEquals(json, read.toJson("vm-1"));
  }

  @Test
  void anotherPlanesFileKeepsOnlyTheNumbering() {
    PlaneState state = new PlaneState();
    state.lastDownlinkSeq = 7;
    PlaneState.Session session = state.session("s1");
    session.lastSeq = 43;
    session.ackedSeq = 41;
    session.openRequestId = "r-9";
    session.unacked.add(PlaneFrames.sseEvent("s1", "r-9", 43, "text", new JsonObject()));

    PlaneState read = PlaneState.fromJson(state.toJson("vm-1"), "vm-2");
    assertEquals(0, read.lastDownlinkSeq);
    assertEquals(43, read.session("s1").lastSeq);
    assertEquals(0, read.session("s1").ackedSeq);
    assertNull(read.session("s1").openRequestId);
    assertTrue(read.session("s1").unacked.isEmpty());
  }

  @Test
  void theLogOfASnapshotAndItsChangesReplaysToTheStateAndHoldsOnlyWhatChanged() {
    PlaneState state = new PlaneState();
    PlaneState.Session session = state.session("s1");
    session.unacked.add(PlaneFrames.sseEvent("s1", "r-1", 1, "text", new JsonObject().put("delta", "a")));
    session.lastSeq = 1;
    state.session("s2").turns = 2;
    StringBuilder log = new StringBuilder(state.snapshot("vm-1").toString());
    assertEquals(state.toJson("vm-1"), StateStore.replay(log.toString()));
    assertEquals("", state.changes("vm-1").toString(), "nothing changed: nothing to write");

    session = state.session("s1");
    session.lastSeq = 2;
    session.unacked.add(PlaneFrames.sseEvent("s1", "r-1", 2, "text", new JsonObject().put("delta", "b")));
    session.ackedSeq = 1;
    session.dropUpTo(1);
    session.openRequestId = "r-1";
    state.session("s2"); // handed out, unchanged
    String changes = state.changes("vm-1").toString();
    assertEquals(1, changes.lines().count(), "one line, of the session that changed: " + changes);
    assertTrue(changes.contains("\"session\":\"s1\""));
    log.append(changes);
    assertEquals(state.toJson("vm-1"), StateStore.replay(log.toString()));

    // a tool output checkpointed into the open turn in place, and the downlink seq: both in the next changes
    session = state.session("s1");
    session.openTurn = new JsonObject().put("request_id", "r-1").put("first_seq", 1);
    session.checkpointChanged();
    log.append(state.changes("vm-1"));
    session = state.session("s1");
    session.openTurn.put("tool_outputs", new io.vertx.core.json.JsonArray().add(new JsonObject().put("files", 1)));
    session.checkpointChanged();
    state.lastDownlinkSeq = 4;
    log.append(state.changes("vm-1"));
    assertEquals(state.toJson("vm-1"), StateStore.replay(log.toString()));
  }

  @Test
  void aPrunedSessionLeavesATombstoneInTheLog() {
    PlaneState state = new PlaneState();
    state.session("s1").lastSeq = 9;
    state.session("s2").lastSeq = 3;
    StringBuilder log = new StringBuilder(state.snapshot("vm-1").toString());
    state.prune(System.nanoTime() + PlaneState.PRUNE_IDLE_NANOS * 2, PlaneState.PRUNE_IDLE_NANOS, "s2"::equals);
    log.append(state.changes("vm-1"));

    JsonObject replayed = StateStore.replay(log.toString());
    assertEquals(state.toJson("vm-1"), replayed);
    assertNull(replayed.getJsonObject("sessions").getValue("s1"));
    assertEquals(9L, replayed.getLong("seq_floor"));
  }

  @Test
  void idleEndedSessionsArePrunedAndTheirNumberingIsNotReused() {
    PlaneState state = new PlaneState();
    PlaneState.Session ended = state.session("ended");
    ended.lastSeq = 40;
    ended.ackedSeq = 40;
    PlaneState.Session open = state.session("open");
    open.lastSeq = 7;
    open.openRequestId = "r-2";
    PlaneState.Session unacked = state.session("unacked");
    unacked.lastSeq = 3;
    unacked.unacked.add(PlaneFrames.sseEvent("unacked", "r-3", 3, "text", new JsonObject()));
    PlaneState.Session running = state.session("running");
    running.lastSeq = 50;

    long later = System.nanoTime() + PlaneState.PRUNE_IDLE_NANOS + 1;
    assertEquals(java.util.List.of("ended"), state.prune(later, PlaneState.PRUNE_IDLE_NANOS, "running"::equals));
    assertEquals(java.util.Set.of("open", "unacked", "running"), state.sessions().keySet());
    assertEquals(java.util.List.of(), state.prune(System.nanoTime(), PlaneState.PRUNE_IDLE_NANOS, id -> false),
        "sessions used recently stay");

    PlaneState read = PlaneState.fromJson(state.toJson("vm-1"), "vm-1");
    assertEquals(40, read.seqFloor);
    assertEquals(40, read.session("ended").lastSeq, "a pruned session that comes back numbers above its old seqs");
  }

  @Test
  void rejectsOtherFiles() {
    assertThrows(IllegalArgumentException.class, () -> PlaneState.fromJson(new JsonObject().put("x", 1), "vm-1"));
    assertThrows(IllegalArgumentException.class, () -> PlaneState.fromJson(new JsonObject().put("format", 2)
        .put("sessions", new JsonObject()), "vm-1"));
  }
}
