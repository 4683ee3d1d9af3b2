package io.chatgw.bench;

import java.util.Arrays;

/** A growable array of {@code long} samples (nanoseconds, counts). Not thread-safe. */
public final class LongSamples {

  private long[] values;
  private int size;

  public LongSamples() {
    this(64);
  }

  public LongSamples(int initialCapacity) {
    values = new long[Math.max(1, initialCapacity)];
  }

  public void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  public void addAll(LongSamples other) {
    if (size + other.size > values.length) {
      values = Arrays.copyOf(values, Math.max(values.length * 2, size + other.size));
    }
    System.arraycopy(other.values, 0, values, size, other.size);
    size += other.size;
  }

  public int size() {
    return size;
  }

  public long get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return values[index];
  }

  /** A copy of the samples. */
  public long[] toArray() {
    return Arrays.copyOf(values, size);
  }

  public Percentiles.Summary summary() {
    return Percentiles.summarize(values, size);
  }
}
