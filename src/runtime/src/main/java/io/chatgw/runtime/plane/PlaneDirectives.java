package io.chatgw.runtime.plane;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test knobs of one turn, given as {@code [[plane key=value ...]]} anywhere in the user message:
 * <ul>
 *   <li>{@code crash_after=N}: after sending N {@code sse_event}s of this turn, drop the connection
 *       abruptly (no close frame) and reconnect with backoff, like a network blip; the turn goes on;</li>
 *   <li>{@code exit_after=N}: after N events (0: before the first one), exit the process with status 3 (run from
 *       {@code RuntimeMain}) or, in-process, act like {@link ExecutionPlane#crash()};</li>
 *   <li>{@code ignore_pings=true}: stop answering {@code ping} for the rest of the plane's life;</li>
 *   <li>{@code tool_delay_ms=N}: each tool step's request ({@code get_skill_files}, {@code mcp_call},
 *       {@code memory_search}) goes out N ms after its call event, so a test can kill the plane while the turn
 *       waits in that step (the crash tests' kill points).</li>
 * </ul>
 * The directives are removed from the text sent to the LLM; {@code [[standin ...]]} directives
 * are left alone so they reach the stand-in LLM.
 *
 * @param crashAfter  events before the network blip, or -1
 * @param exitAfter   events before the exit, or -1
 * @param ignorePings whether to stop answering pings
 * @param toolDelayMs wait before each tool request, 0 for none
 */
record PlaneDirectives(int crashAfter, int exitAfter, boolean ignorePings, long toolDelayMs) {

  static final PlaneDirectives NONE = new PlaneDirectives(-1, -1, false, 0);
  /** Longest {@code tool_delay_ms}. */
  static final long MAX_TOOL_DELAY_MS = 60_000;

  PlaneDirectives(int crashAfter, int exitAfter, boolean ignorePings) {
    this(crashAfter, exitAfter, ignorePings, 0);
  }

  private static final Pattern DIRECTIVE =
      Pattern.compile("\\[\\[\\s*plane(?:\\s+([^\\]]*?))?\\s*]]", Pattern.CASE_INSENSITIVE);

  /**
   * A message split into its directives and the text for the LLM.
   *
   * @param text the message without its {@code [[plane ...]]} directives (trimmed if any was
   *             removed; otherwise exactly as given)
   */
  record Extraction(PlaneDirectives directives, String text) {
  }

  /**
   * @throws IllegalArgumentException for an unknown key or a bad value
   */
  static Extraction extract(String message) {
    int crashAfter = -1;
    int exitAfter = -1;
    boolean ignorePings = false;
    long toolDelayMs = 0;
    Matcher matcher = DIRECTIVE.matcher(message);
    boolean found = false;
    while (matcher.find()) {
      found = true;
      String pairs = matcher.group(1);
      if (pairs == null) {
        continue;
      }
      for (String pair : pairs.trim().split("\\s+")) {
        int equals = pair.indexOf('=');
        if (equals < 0) {
          throw new IllegalArgumentException("[[plane ...]] expects key=value pairs, got '" + pair + "'");
        }
        String key = pair.substring(0, equals).toLowerCase(Locale.ROOT);
        String value = pair.substring(equals + 1);
        switch (key) {
          case "crash_after":
            crashAfter = count(key, value);
            break;
          case "exit_after":
            exitAfter = value.equals("0") ? 0 : count(key, value); // 0: exit before the turn's first event
            break;
          case "ignore_pings":
            ignorePings = flag(key, value);
            break;
          case "tool_delay_ms":
            toolDelayMs = count(key, value);
            if (toolDelayMs > MAX_TOOL_DELAY_MS) {
              throw new IllegalArgumentException(key + " must be at most " + MAX_TOOL_DELAY_MS + ": '" + value + "'");
            }
            break;
          default:
            throw new IllegalArgumentException("unknown plane knob '" + key
                + "' (expected crash_after, exit_after, ignore_pings or tool_delay_ms)");
        }
      }
    }
    if (!found) {
      return new Extraction(NONE, message);
    }
    return new Extraction(new PlaneDirectives(crashAfter, exitAfter, ignorePings, toolDelayMs),
        matcher.reset().replaceAll("").strip());
  }

  private static int count(String key, String value) {
    try {
      int number = Integer.parseInt(value);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be a whole number of at least 1: '" + value + "'");
  }

  private static boolean flag(String key, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(key + " must be true or false: '" + value + "'");
    }
  }
}
