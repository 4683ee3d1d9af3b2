package io.chatgw.runtime;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C trace context in the reference runtime and plane (docs/protocol.md "Trace context"): the gateway's
 * {@code traceparent} (the legacy runtime's request header, the plane's {@code user_message} field) is continued by a
 * span of their own (same trace id, a new span id, same flags), which goes on to the LLM as its {@code traceparent}
 * header; the plane's {@code sse_event} frames also carry it back to the gateway.
 */
public final class TraceContext {

  public static final String HEADER = "traceparent";

  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private TraceContext() {
  }

  /** A child span of {@code traceparent}, or {@code null} if there is none or it is malformed. */
  public static String child(Object traceparent) {
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
