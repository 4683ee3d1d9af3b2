package io.chatgw.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@link RuntimeMain} runs. */
public enum RuntimeMode {

  /** The legacy HTTP + SSE runtime, {@link LegacyRuntimeServer}. */
  LEGACY("legacy"),

  /** The execution plane, dialling the gateway over WebSocket: {@link io.chatgw.runtime.plane.ExecutionPlane}. */
  WS("ws"),

  /**
   * {@link io.chatgw.runtime.plane.PlaneRehearsal}'s turns against its stand-ins, then exit (0 when they all completed):
   * the training run of the plane's class archive ({@code -XX:ArchiveClassesAtExit}, docker/build-local-plane-image).
   */
  REHEARSE("rehearse");

  private final String flag;

  RuntimeMode(String flag) {
    this.flag = flag;
  }

  /** The value of {@code --mode=} that selects this mode. */
  public String flag() {
    return flag;
  }

  /**
   * @throws IllegalArgumentException for an unknown mode
   */
  public static RuntimeMode fromFlag(String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    for (RuntimeMode mode : values()) {
      if (mode.flag.equals(normalized)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + value + "' (expected "
        + Arrays.stream(values()).map(RuntimeMode::flag).collect(Collectors.joining(", ")) + ")");
  }
}
