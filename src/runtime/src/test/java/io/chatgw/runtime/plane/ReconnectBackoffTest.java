package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  @Test
  void doublesUpToTheCapWithFullJitter() {
    ReconnectBackoff backoff = new ReconnectBackoff(1_000, 30_000);
    assertEquals(1_000, backoff.ceilingMs(0));
    assertEquals(2_000, backoff.ceilingMs(1));
    assertEquals(16_000, backoff.ceilingMs(4));
    assertEquals(30_000, backoff.ceilingMs(5));
    assertEquals(30_000, backoff.ceilingMs(62));
    assertEquals(30_000, backoff.ceilingMs(1_000));
    for (int attempt = 0; attempt < 100; attempt++) {
      long ceiling = backoff.ceilingMs(backoff.attempts());
      long delay = backoff.nextDelayMs();
      assertTrue(delay >= 0 && delay <= ceiling, delay + " within [0, " + ceiling + "]");
    }
    backoff.reset();
    assertEquals(0, backoff.attempts());
    assertTrue(backoff.nextDelayMs() <= 1_000);
    assertEquals(1, backoff.attempts());
  }
}
