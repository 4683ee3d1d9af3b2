package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class JitClockTest {

  @Test
  void theCompileTimeIsTheSumOverCompilersAndIgnoresOtherMetrics() {
    String text = "# HELP jvm_compilation_time_ms_total The approximate accumulated elapsed time spent in compilation\n"
        + "# TYPE jvm_compilation_time_ms_total counter\n"
        + "jvm_compilation_time_ms_total{compiler=\"HotSpot 64-Bit Tiered Compilers\"} 41234.0\n"
        + "jvm_compilation_time_ms_total{compiler=\"other\"} 6.0\n"
        + "jvm_compilation_time_ms_total_other 99.0\n"
        + "jvm_gc_pause_seconds_count 3.0\n";
    assertEquals(41240.0, JitClock.parse(text).getAsDouble(), 1e-9);
  }

  @Test
  void aTargetWithoutTheMetricHasNoCompileTime() {
    assertTrue(JitClock.parse("jvm_gc_pause_seconds_count 3.0\n").isEmpty());
    assertTrue(JitClock.parse("jvm_compilation_time_ms_total{compiler=\"x\"} oops\n").isEmpty());
  }

  @Test
  void coresAreCompileMillisecondsPerWallMillisecond() {
    assertEquals(0.5, JitClock.cores(OptionalDouble.of(1000), OptionalDouble.of(3500), 5_000_000_000L), 1e-9);
    assertTrue(Double.isNaN(JitClock.cores(OptionalDouble.empty(), OptionalDouble.of(1), 1_000_000_000L)));
  }
}
