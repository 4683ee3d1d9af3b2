package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOnOneToHundred() {
    long[] values = new long[100];
    for (int i = 0; i < 100; i++) {
      values[i] = 100 - i; // unsorted on purpose
    }
    assertEquals(50, Percentiles.of(values, 50));
    assertEquals(90, Percentiles.of(values, 90));
    assertEquals(99, Percentiles.of(values, 99));
    assertEquals(100, Percentiles.of(values, 100));
    assertEquals(1, Percentiles.of(values, 0.5));
    assertEquals(100, values[0], "input must not be sorted in place");
  }

  @Test
  void smallSamplesPickMeasuredValues() {
    long[] ten = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertEquals(50, Percentiles.of(ten, 50));
    assertEquals(90, Percentiles.of(ten, 90));
    assertEquals(100, Percentiles.of(ten, 99));
    long[] one = {42};
    assertEquals(42, Percentiles.of(one, 50));
    assertEquals(42, Percentiles.of(one, 99));
    long[] two = {1, 2};
    assertEquals(1, Percentiles.of(two, 50));
    assertEquals(2, Percentiles.of(two, 51));
  }

  @Test
  void floatingPointDoesNotBumpTheRank() {
    // 0.99 * 100 is 99.00000000000001 in binary floating point; the rank must still be 99
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }
    assertEquals(990, Percentiles.of(values, 99));
    assertEquals(500, Percentiles.of(values, 50));
    assertEquals(900, Percentiles.of(values, 90));
  }

  @Test
  void summary() {
    LongSamples s = new LongSamples(2);
    for (long v : new long[] {5, 1, 4, 2, 3}) {
      s.add(v);
    }
    Percentiles.Summary sum = s.summary();
    assertEquals(5, sum.count());
    assertEquals(1, sum.min());
    assertEquals(5, sum.max());
    assertEquals(3.0, sum.mean(), 1e-9);
    assertEquals(3, sum.p50());
    assertEquals(5, sum.p90());
    assertEquals(5, sum.p99());
  }

  @Test
  void emptySummaryAndBadArguments() {
    assertTrue(new LongSamples().summary().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[0], 50));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[] {1}, 0));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[] {1}, 101));
  }

  @Test
  void samplesGrowAndMerge() {
    LongSamples a = new LongSamples(1);
    LongSamples b = new LongSamples(1);
    for (int i = 0; i < 1000; i++) {
      a.add(i);
      b.add(1000 + i);
    }
    a.addAll(b);
    assertEquals(2000, a.size());
    assertEquals(1999, a.get(1999));
    assertEquals(1000, a.summary().p50() + 1);
  }
}
