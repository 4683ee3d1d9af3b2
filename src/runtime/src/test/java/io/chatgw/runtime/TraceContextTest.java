package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TraceContextTest {

  @Test
  void thePlanesSpanContinuesTheGatewaysTraceWithASpanIdOfItsOwn() {
    String gateway = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String plane = TraceContext.child(gateway);
    assertTrue(plane.matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01"), plane);
    assertNotEquals(gateway, plane);
    assertNotEquals(plane, TraceContext.child(gateway), "a new span each time");
  }

  @Test
  void noOrAMalformedTraceparentGivesNone() {
    assertNull(TraceContext.child(null));
    assertNull(TraceContext.child(42));
    assertNull(TraceContext.child("00-zz"));
    assertNull(TraceContext.child("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  }
}
