package io.chatgw.runtime.plane;

/**
 * Whether the gateway went silent on the plane's connection: nothing received for three of its heartbeat intervals
 * (and half a second) of this process's running time. A process frozen by its launcher (docker pause) sees its
 * clock jump when it runs again: that time is not the gateway's silence, and the pings the gateway queued meanwhile
 * are read right after. Used from the plane's event loop only.
 */
final class GatewaySilence {

  private final long intervalNanos;
  private long lastReceivedAt;
  private long lastTickAt;

  /** For a connection its {@code welcome} says the gateway pings every {@code heartbeat_interval_ms} (10 s if not). */
  static GatewaySilence of(io.vertx.core.json.JsonObject welcome, long nowNanos) {
    Object interval = welcome.getValue("heartbeat_interval_ms");
    return new GatewaySilence(interval instanceof Number n && n.longValue() > 0 ? n.longValue() : 10_000, nowNanos);
  }

  GatewaySilence(long heartbeatMs, long nowNanos) {
    this.intervalNanos = heartbeatMs * 1_000_000L;
    this.lastReceivedAt = nowNanos;
    this.lastTickAt = nowNanos;
  }

  long intervalMs() {
    return intervalNanos / 1_000_000L;
  }

  /** A frame arrived. */
  void received(long nowNanos) {
    lastReceivedAt = nowNanos;
  }

  /** A heartbeat tick (every interval): true when the gateway has been silent too long. */
  boolean silentAtTick(long nowNanos) {
    boolean frozen = nowNanos - lastTickAt > 2 * intervalNanos;
    lastTickAt = nowNanos;
    if (frozen) {
      lastReceivedAt = Math.max(lastReceivedAt, nowNanos - intervalNanos); // counted from the thaw
      return false;
    }
    return nowNanos - lastReceivedAt > 3 * intervalNanos + 500_000_000L;
  }
}
