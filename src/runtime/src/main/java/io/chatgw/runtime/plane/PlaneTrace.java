package io.chatgw.runtime.plane;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C trace context on the plane (docs/protocol.md "Trace context"): a {@code user_message}'s {@code traceparent} is
 * continued by a span of the plane's own (same trace id, a new span id, same flags), which the plane's
 * {@code sse_event} frames carry back to the gateway.
 */
final class PlaneTrace {

  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PlaneTrace() {
  }

  /** The plane's child of {@code traceparent}, or {@code null} if there is none or it is malformed. */
  static String child(Object traceparent) {
    if (!(traceparent instanceof String value)) {
      return null;
    }
    var m = TRACEPARENT.matcher(value);
    if (!m.matches() || m.group(1).matches("0+") || m.group(2).matches("0+")) {
      return null;
    }
    byte[] span = new byte[8];
    do {
      RANDOM.nextBytes(span);
    } while (HexFormat.of().formatHex(span).equals("0000000000000000"));
    return "00-" + m.group(1) + "-" + HexFormat.of().formatHex(span) + "-" + m.group(3);
  }
}
