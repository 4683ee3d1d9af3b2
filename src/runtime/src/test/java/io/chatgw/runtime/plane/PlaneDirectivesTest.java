package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlaneDirectivesTest {

  @Test
  void leavesPlainMessagesUntouched() {
    PlaneDirectives.Extraction extraction = PlaneDirectives.extract("  hello [[standin chunks=2]] ");
    assertSame(PlaneDirectives.NONE, extraction.directives());
    assertEquals("  hello [[standin chunks=2]] ", extraction.text());
  }

  @Test
  void extractsKnobsAndKeepsStandinDirectives() {
    PlaneDirectives.Extraction extraction = PlaneDirectives.extract(
        "hi [[plane crash_after=3 ignore_pings=true]] [[standin chunks=2]] [[PLANE exit_after=5]]");
    assertEquals(new PlaneDirectives(3, 5, true), extraction.directives());
    assertEquals("hi  [[standin chunks=2]]", extraction.text());
  }

  @Test
  void rejectsBadKnobs() {
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane crash_after=0]]"));
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane exit_after=x]]"));
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane ignore_pings=maybe]]"));
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane hang]]"));
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane colour=red]]"));
  }

  @Test
  void toolDelayIsAWholeNumberOfMillisecondsUpToAMinute() {
    PlaneDirectives.Extraction extraction = PlaneDirectives.extract("use a tool [[plane tool_delay_ms=1500]]");
    assertEquals(new PlaneDirectives(-1, -1, false, 1500), extraction.directives());
    assertEquals("use a tool", extraction.text());
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane tool_delay_ms=0]]"));
    assertThrows(IllegalArgumentException.class, () -> PlaneDirectives.extract("[[plane tool_delay_ms=60001]]"));
  }
}
