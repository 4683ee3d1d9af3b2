package io.chatgw.runtime;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test knobs of one run, given as {@code [[runtime key=value ...]]} anywhere in the message:
 * <ul>
 *   <li>{@code fail=http_503} / {@code fail=http_429}: answer 503 / 429 with a JSON error instead of the event stream;</li>
 *   <li>{@code fail=not_sse}: answer 200 with a JSON body instead of the event stream;</li>
 *   <li>{@code fail=hang} (or just {@code hang}): never send the response headers;</li>
 *   <li>{@code first_event_delay_ms=N}: send the headers at once, the first event after N ms;</li>
 *   <li>{@code stall_after=N}: send N events, then nothing more while keeping the connection open.</li>
 * </ul>
 * The directives are removed from the text sent to the LLM; {@code [[standin ...]]} directives
 * are left alone so they reach the stand-in LLM.
 *
 * @param failure          injected failure
 * @param firstEventDelayMs pause between the headers and the first event, 0 for none
 * @param stallAfter        events to send before stalling, or -1 to never stall
 */
record RuntimeDirectives(Failure failure, long firstEventDelayMs, int stallAfter) {

  enum Failure { NONE, HTTP_503, HTTP_429, NOT_SSE, HANG }

  static final RuntimeDirectives NONE = new RuntimeDirectives(Failure.NONE, 0, -1);

  static final long MAX_DELAY_MS = 600_000;

  private static final Pattern DIRECTIVE =
      Pattern.compile("\\[\\[\\s*runtime(?:\\s+([^\\]]*?))?\\s*]]", Pattern.CASE_INSENSITIVE);

  /**
   * A message split into its directives and the text for the LLM.
   *
   * @param directives the knobs found (later directives override earlier ones)
   * @param text       the message without its {@code [[runtime ...]]} directives (trimmed if any
   *                   was removed; otherwise the message exactly as given)
   */
  record Extraction(RuntimeDirectives directives, String text) {
  }

  /**
   * Extracts the {@code [[runtime ...]]} directives of a message.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value
   */
  static Extraction extract(String message) {
    Failure failure = Failure.NONE;
    long firstEventDelayMs = 0;
    int stallAfter = -1;
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
        String key = (equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
        String value = equals < 0 ? null : pair.substring(equals + 1);
        if (key.equals("hang") && value == null) {
          failure = Failure.HANG;
          continue;
        }
        if (value == null) {
          throw new IllegalArgumentException("[[runtime ...]] expects key=value pairs or 'hang', got '" + pair + "'");
        }
        switch (key) {
          case "fail":
            failure = parseFailure(value);
            break;
          case "first_event_delay_ms":
            firstEventDelayMs = parseNumber(key, value, MAX_DELAY_MS);
            break;
          case "stall_after":
            stallAfter = (int) parseNumber(key, value, Integer.MAX_VALUE);
            break;
          default:
            throw new IllegalArgumentException("unknown runtime knob '" + key
                + "' (expected fail, hang, first_event_delay_ms or stall_after)");
        }
      }
    }
    if (!found) {
      return new Extraction(NONE, message);
    }
    String text = matcher.reset().replaceAll("").strip();
    return new Extraction(new RuntimeDirectives(failure, firstEventDelayMs, stallAfter), text);
  }

  private static Failure parseFailure(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "http_503":
        return Failure.HTTP_503;
      case "http_429":
        return Failure.HTTP_429;
      case "not_sse":
        return Failure.NOT_SSE;
      case "hang":
        return Failure.HANG;
      case "none":
        return Failure.NONE;
      default:
        throw new IllegalArgumentException("unknown runtime fail mode '" + value + "' (expected http_503, http_429, not_sse or hang)");
    }
  }

  private static long parseNumber(String key, String value, long max) {
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number: '" + value + "'");
    }
    if (number < 0 || number > max) {
      throw new IllegalArgumentException(key + " must be between 0 and " + max + ": " + number);
    }
    return number;
  }
}
