package io.chatgw.standin;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure the stand-in LLM produces on purpose, chosen with the {@code fail} knob.
 *
 * @param kind        what goes wrong
 * @param afterChunks for {@link Kind#MID_STREAM}: how many content chunks are sent before the
 *                    connection is cut; 0 otherwise
 */
record InjectedFailure(Kind kind, int afterChunks) {

  enum Kind {
    /** No failure: answer normally. */
    NONE,
    /** {@code fail=http_500}: 500 with an OpenAI error body. */
    HTTP_500,
    /** {@code fail=http_429}: 429 with an OpenAI rate-limit error body. */
    HTTP_429,
    /** {@code fail=mid_stream_after_N}: N content chunks, then the connection is closed abruptly. */
    MID_STREAM,
    /** {@code fail=hang}: never answer, keep the connection open. */
    HANG
  }

  static final InjectedFailure NONE = new InjectedFailure(Kind.NONE, 0);

  private static final Pattern MID_STREAM = Pattern.compile("mid_stream_after_(\\d{1,9})");

  /**
   * Parses a {@code fail} knob value: {@code http_500}, {@code http_429},
   * {@code mid_stream_after_N}, {@code hang} or {@code none}.
   *
   * @throws IllegalArgumentException for anything else
   */
  static InjectedFailure parse(String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    switch (normalized) {
      case "none":
        return NONE;
      case "http_500":
        return new InjectedFailure(Kind.HTTP_500, 0);
      case "http_429":
        return new InjectedFailure(Kind.HTTP_429, 0);
      case "hang":
        return new InjectedFailure(Kind.HANG, 0);
      default:
        Matcher matcher = MID_STREAM.matcher(normalized);
        if (matcher.matches()) {
          return new InjectedFailure(Kind.MID_STREAM, Integer.parseInt(matcher.group(1)));
        }
        throw new IllegalArgumentException("unknown fail mode '" + value
            + "' (expected http_500, http_429, mid_stream_after_N, hang or none)");
    }
  }

  boolean isActive() {
    return kind != Kind.NONE;
  }
}
