package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RuntimeDirectivesTest {

  @Test
  void leavesPlainMessagesUntouched() {
    RuntimeDirectives.Extraction extraction = RuntimeDirectives.extract("  hello [[standin chunks=2]] ");
    assertSame(RuntimeDirectives.NONE, extraction.directives());
    assertEquals("  hello [[standin chunks=2]] ", extraction.text());
  }

  @Test
  void extractsKnobsAndKeepsStandinDirectives() {
    RuntimeDirectives.Extraction extraction =
        RuntimeDirectives.extract("hi [[runtime first_event_delay_ms=250 stall_after=3]] [[standin chunks=2]]");
    assertEquals(new RuntimeDirectives(RuntimeDirectives.Failure.NONE, 250, 3), extraction.directives());
    assertEquals("hi  [[standin chunks=2]]", extraction.text());
  }

  @Test
  void parsesFailures() {
    assertEquals(RuntimeDirectives.Failure.HTTP_503,
        RuntimeDirectives.extract("[[runtime fail=http_503]]").directives().failure());
    assertEquals(RuntimeDirectives.Failure.HANG, RuntimeDirectives.extract("[[runtime hang]] x").directives().failure());
    assertEquals(RuntimeDirectives.Failure.HANG,
        RuntimeDirectives.extract("x [[RUNTIME fail=hang]]").directives().failure());
  }

  @Test
  void rejectsUnknownOrMalformedKnobs() {
    assertThrows(IllegalArgumentException.class, () -> RuntimeDirectives.extract("[[runtime fail=boom]]"));
    assertThrows(IllegalArgumentException.class, () -> RuntimeDirectives.extract("[[runtime colour=red]]"));
    assertThrows(IllegalArgumentException.class, () -> RuntimeDirectives.extract("[[runtime stall_after]]"));
    assertThrows(IllegalArgumentException.class, () -> RuntimeDirectives.extract("[[runtime stall_after=-1]]"));
  }
}
