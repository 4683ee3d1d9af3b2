package io.chatgw.runtime.plane;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th retry (n from 0) waits
 * {@code random(0, min(cap, base * 2^n))} milliseconds. {@link #reset()} after a successful
 * {@code welcome}.
 */
final class ReconnectBackoff {

  private final long baseMs;
  private final long capMs;
  private int attempt;

  ReconnectBackoff(long baseMs, long capMs) {
    this.baseMs = baseMs;
    this.capMs = capMs;
  }

  /** The delay before the next attempt; counts the attempt. */
  long nextDelayMs() {
    long ceiling = ceilingMs(attempt);
    if (attempt < 62) {
      attempt++;
    }
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  /** {@code min(cap, base * 2^attempt)}, without overflowing. */
  long ceilingMs(int attempt) {
    if (attempt >= 62 || baseMs > (capMs >> Math.min(attempt, 62))) {
      return capMs;
    }
    return Math.min(capMs, baseMs << attempt);
  }

  /** Retries so far since the last reset. */
  int attempts() {
    return attempt;
  }

  void reset() {
    attempt = 0;
  }
}
