package io.chatgw.standin;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Test knobs of one stand-in MCP {@code tools/call}, given in its {@code arguments}:
 * <ul>
 *   <li>{@code delay_ms}: answer after this many milliseconds (0..{@value #MAX_DELAY_MS});</li>
 *   <li>{@code fail}: {@code tool_error} answers with a result that has {@code isError: true};
 *       {@code http_500} answers HTTP 500 with no JSON-RPC body; {@code none} does nothing.</li>
 * </ul>
 *
 * @param delayMs   pause before answering
 * @param toolError answer with an {@code isError} result
 * @param http500   answer HTTP 500
 */
record McpKnobs(long delayMs, boolean toolError, boolean http500) {

  static final String DELAY_MS = "delay_ms";
  static final String FAIL = "fail";
  static final long MAX_DELAY_MS = 600_000;

  /**
   * @throws IllegalArgumentException when a knob has a bad value
   */
  static McpKnobs of(JsonObject arguments) {
    long delayMs = 0;
    Object delay = arguments.getValue(DELAY_MS);
    if (delay != null) {
      if (!(delay instanceof Integer || delay instanceof Long) || ((Number) delay).longValue() < 0
          || ((Number) delay).longValue() > MAX_DELAY_MS) {
        throw new IllegalArgumentException("arguments." + DELAY_MS + " must be a whole number between 0 and "
            + MAX_DELAY_MS);
      }
      delayMs = ((Number) delay).longValue();
    }
    Object fail = arguments.getValue(FAIL);
    if (fail == null) {
      return new McpKnobs(delayMs, false, false);
    }
    switch (fail instanceof String ? ((String) fail).toLowerCase(Locale.ROOT) : "") {
      case "none":
        return new McpKnobs(delayMs, false, false);
      case "tool_error":
        return new McpKnobs(delayMs, true, false);
      case "http_500":
        return new McpKnobs(delayMs, false, true);
      default:
        throw new IllegalArgumentException("arguments." + FAIL + " must be tool_error, http_500 or none");
    }
  }
}
