package io.chatgw.bench;

import java.util.Arrays;

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n sorted samples is the sample at
 * rank {@code ceil(p / 100 * n)} (1-based), so it is always a value that was actually measured, p100
 * is the maximum and every percentile of a single sample is that sample.
 */
public final class Percentiles {

  private Percentiles() {
  }

  /**
   * Summary of a set of samples, in the samples' unit.
   *
   * @param count how many samples; when 0 every other field is 0
   */
  public record Summary(int count, long min, double mean, long p50, long p90, long p99, long max) {

    public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0);

    public boolean isEmpty() {
      return count == 0;
    }
  }

  /** The nearest-rank percentile of {@code sorted[0..count)}, which must be sorted ascending. */
  public static long ofSorted(long[] sorted, int count, double percentile) {
    if (count <= 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (count > sorted.length) {
      throw new IllegalArgumentException("count " + count + " > " + sorted.length + " samples");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
    }
    // the small epsilon keeps e.g. 0.99 * 100 (= 99.00000000000001 in floating point) at rank 99
    long rank = (long) Math.ceil(percentile / 100.0 * count - 1e-9);
    rank = Math.max(1, Math.min(count, rank));
    return sorted[(int) rank - 1];
  }

  /** The nearest-rank percentile of unsorted samples (the array is not modified). */
  public static long of(long[] samples, double percentile) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return ofSorted(sorted, sorted.length, percentile);
  }

  /** Summarizes {@code samples[0..count)} (not modified). */
  public static Summary summarize(long[] samples, int count) {
    if (count == 0) {
      return Summary.EMPTY;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new Summary(count, sorted[0], sum / count, ofSorted(sorted, count, 50), ofSorted(sorted, count, 90),
        ofSorted(sorted, count, 99), sorted[count - 1]);
  }
}
