package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class StandinKnobsTest {

  private static final StandinLlmOptions DEFAULTS = new StandinLlmOptions();
  private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();

  @Test
  void defaultsComeFromTheOptions() {
    StandinKnobs knobs = StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "plain message");
    assertEquals(new StandinKnobs(8, 20, 0, InjectedFailure.NONE, StandinKnobs.Alternate.NONE, java.util.List.of()), knobs);
  }

  @Test
  void parsesEveryDirectiveKey() {
    StandinKnobs knobs = StandinKnobs.resolve(DEFAULTS, NO_HEADERS,
        "before [[standin chunks=3 delay_ms=5 first_byte_delay_ms=100 fail=mid_stream_after_2 tool_call=a,b]] after");
    assertEquals(new StandinKnobs(3, 5, 100, new InjectedFailure(InjectedFailure.Kind.MID_STREAM, 2), StandinKnobs.Alternate.NONE,
        java.util.List.of("a", "b")), knobs);
  }

  @Test
  void laterDirectivesWinOverEarlierOnesAndHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("x-standin-chunks", "9").add("x-standin-fail", "http_500").add("x-standin-first-byte-delay-ms", "7");
    StandinKnobs knobs = StandinKnobs.resolve(DEFAULTS, headers, "[[standin chunks=2]] x [[ STANDIN chunks=4 fail=none ]]");
    assertEquals(new StandinKnobs(4, 20, 7, InjectedFailure.NONE, StandinKnobs.Alternate.NONE, java.util.List.of()), knobs);
  }

  @Test
  void parsesFailModes() {
    assertEquals(InjectedFailure.Kind.HTTP_500, InjectedFailure.parse("http_500").kind());
    assertEquals(InjectedFailure.Kind.HTTP_429, InjectedFailure.parse("HTTP_429").kind());
    assertEquals(InjectedFailure.Kind.HANG, InjectedFailure.parse("hang").kind());
    assertEquals(new InjectedFailure(InjectedFailure.Kind.MID_STREAM, 0), InjectedFailure.parse("mid_stream_after_0"));
    assertThrows(IllegalArgumentException.class, () -> InjectedFailure.parse("explode"));
  }

  @Test
  void rejectsBadDirectives() {
    assertThrows(IllegalArgumentException.class, () -> StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "[[standin chunks=0]]"));
    assertThrows(IllegalArgumentException.class, () -> StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "[[standin color=red]]"));
    assertThrows(IllegalArgumentException.class, () -> StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "[[standin chunks]]"));
    assertThrows(IllegalArgumentException.class, () -> StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "[[standin delay_ms=-1]]"));
    assertThrows(IllegalArgumentException.class, () -> StandinKnobs.resolve(DEFAULTS,
        MultiMap.caseInsensitiveMultiMap().add("x-standin-delay-ms", "soon"), "hi"));
  }

  @Test
  void stripsDirectivesOnly() {
    assertEquals("a  b", StandinKnobs.stripDirectives("a [[standin chunks=2]] b"));
    assertEquals("[[runtime hang]] c", StandinKnobs.stripDirectives("[[runtime hang]] c"));
  }

  @Test
  void alternateIsReadAsCaseOrWordsAndAnythingElseIsRefused() {
    assertEquals(StandinKnobs.Alternate.CASE,
        StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "x [[standin alternate=case]]").alternate());
    assertEquals(StandinKnobs.Alternate.WORDS,
        StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "x [[standin alternate=WORDS]]").alternate());
    assertEquals(StandinKnobs.Alternate.NONE, StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "x").alternate());
    assertThrows(IllegalArgumentException.class,
        () -> StandinKnobs.resolve(DEFAULTS, NO_HEADERS, "x [[standin alternate=sometimes]]"));
  }
}
