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
  void rejectsOtherFiles() {
    assertThrows(IllegalArgumentException.class, () -> PlaneState.fromJson(new JsonObject().put("x", 1), "vm-1"));
    assertThrows(IllegalArgumentException.class, () -> PlaneState.fromJson(new JsonObject().put("format", 2)
        .put("sessions", new JsonObject()), "vm-1"));
  }
}
