package io.chatgw.runtime.plane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GatewaySilenceTest {

  private static final long MS = 1_000_000L;

  @Test
  void aGatewayThatSendsNothingForThreeIntervalsAndAHalfSecondIsSilent() {
    GatewaySilence silence = new GatewaySilence(1_000, 0);
    for (long t = 1_000; t <= 3_000; t += 1_000) {
      assertFalse(silence.silentAtTick(t * MS), "at " + t + " ms");
    }
    assertFalse(silence.silentAtTick(3_400 * MS));
    assertTrue(silence.silentAtTick(4_000 * MS));
  }

  @Test
  void aFrameResetsTheSilence() {
    GatewaySilence silence = new GatewaySilence(1_000, 0);
    silence.silentAtTick(1_000 * MS);
    silence.silentAtTick(2_000 * MS);
    silence.received(2_500 * MS);
    silence.silentAtTick(3_000 * MS);
    assertFalse(silence.silentAtTick(4_000 * MS));
    assertFalse(silence.silentAtTick(5_000 * MS));
    assertTrue(silence.silentAtTick(6_100 * MS));
  }

  @Test
  void timeTheProcessSpentFrozenIsNotTheGatewaysSilenceButSilenceAfterTheThawStillIs() {
    GatewaySilence silence = new GatewaySilence(1_000, 0);
    silence.silentAtTick(1_000 * MS);
    // docker pause for ten minutes: the next tick comes late
    assertFalse(silence.silentAtTick(601_000 * MS), "the first tick after the thaw");
    assertFalse(silence.silentAtTick(602_000 * MS));
    assertFalse(silence.silentAtTick(603_000 * MS));
    assertTrue(silence.silentAtTick(604_000 * MS), "still nothing from the gateway, three intervals after the thaw");
  }

  @Test
  void theIntervalIsTheWelcomesOrTenSeconds() {
    assertEquals(250, GatewaySilence.of(new JsonObject().put("heartbeat_interval_ms", 250), 0).intervalMs());
    assertEquals(10_000, GatewaySilence.of(new JsonObject(), 0).intervalMs());
    assertEquals(10_000, GatewaySilence.of(new JsonObject().put("heartbeat_interval_ms", -1), 0).intervalMs());
  }
}
